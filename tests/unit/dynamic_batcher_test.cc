#include "scheduler/dynamic_batcher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace inferd {
namespace {

using std::chrono::milliseconds;

// An instance whose executions wait until it is opened; it records how many
// requests each execution had.
class GatedInstance : public ModelInstance {
 public:
  void RunBatch(std::vector<ExecutionRequest> requests, ComputeTimestamps*) override {
    std::unique_lock<std::mutex> lock(mutex_);
    sizes_.push_back(requests.size());
    changed_.notify_all();
    changed_.wait(lock, [&] { return open_; });
    lock.unlock();
    for (auto& request : requests) request.sink(Status::Ok(), std::make_unique<InferenceResponse>(), true);
  }

  void Open() {
    std::lock_guard<std::mutex> lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }

  // The sizes of the first `count` executions, or fewer if they did not start within 10 s.
  std::vector<size_t> WaitForExecutions(size_t count) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(10), [&] { return sizes_.size() >= count; });
    return sizes_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = false;
  std::vector<size_t> sizes_;
};

InferJob EmptyJob() {
  InferJob job;
  job.request = std::make_shared<InferenceRequest>();
  job.timeline = std::make_shared<RequestTimeline>();
  job.on_response = [](Status, std::unique_ptr<InferenceResponse>, bool) {};
  return job;
}

inference::ModelConfig BatchingConfig(int preferred, int delay_us) {
  inference::ModelConfig config;
  config.set_max_batch_size(8);
  config.mutable_dynamic_batching()->add_preferred_batch_size(preferred);
  config.mutable_dynamic_batching()->set_max_queue_delay_microseconds(delay_us);
  return config;
}

// A request that queued behind a busy instance for longer than the queue
// delay still waits for others once the instance is free, rather than
// running alone the moment it frees: clients just answered get the time to
// send again, and batches do not keep alternating between few and many.
TEST(DynamicBatcher, QueueDelayCountsFromWhenTheInstanceFrees) {
  const auto delay = milliseconds(500);
  ModelStats stats;
  std::vector<std::unique_ptr<ModelInstance>> instances;
  instances.push_back(std::make_unique<GatedInstance>());
  auto* instance = static_cast<GatedInstance*>(instances.back().get());
  DynamicBatcher batcher(BatchingConfig(4, static_cast<int>(delay.count() * 1000)), std::move(instances),
                         &stats);

  for (int i = 0; i < 4; ++i) batcher.Enqueue(EmptyJob());  // a preferred batch: runs at once, held
  ASSERT_EQ(instance->WaitForExecutions(1).size(), 1u);
  batcher.Enqueue(EmptyJob());
  std::this_thread::sleep_for(delay + milliseconds(200));  // its queue delay passes while the instance is busy
  instance->Open();
  std::this_thread::sleep_for(milliseconds(100));  // well within a new delay
  for (int i = 0; i < 3; ++i) batcher.Enqueue(EmptyJob());

  EXPECT_EQ(instance->WaitForExecutions(2), (std::vector<size_t>{4, 4}));
}

// An idle instance waits no longer than the queue delay from the oldest
// request's arrival.
TEST(DynamicBatcher, IdleInstanceRunsWhatWaitedTheQueueDelay) {
  ModelStats stats;
  std::vector<std::unique_ptr<ModelInstance>> instances;
  instances.push_back(std::make_unique<GatedInstance>());
  auto* instance = static_cast<GatedInstance*>(instances.back().get());
  instance->Open();
  DynamicBatcher batcher(BatchingConfig(4, 200'000), std::move(instances), &stats);

  batcher.Enqueue(EmptyJob());
  batcher.Enqueue(EmptyJob());
  EXPECT_EQ(instance->WaitForExecutions(1), (std::vector<size_t>{2}));
}

}  // namespace
}  // namespace inferd
