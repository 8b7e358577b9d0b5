// DynamicBatcher: the scheduler of a model with `dynamic_batching { }`.
//
// Requests wait in a BatchQueue (priority levels, queue policies). Every
// instance has its own execution thread; when it is free it takes the next
// batch itself: the oldest request and the ones after it that can run with
// it (same inputs, same dimensions after the batch one), up to
// max_batch_size. A batch of a preferred size goes at once, cut to the
// largest preferred size it can form; a smaller one waits for more requests
// for max_queue_delay_microseconds, counted from when the oldest arrived or
// the instance became free, whichever is later. Counting from arrival alone
// would send a request that queued behind a busy instance off alone the
// moment the instance frees, before the clients just answered can send
// again; batches would then keep alternating between few requests and
// many. Responses keep
// arrival order when preserve_ordering is set. With no queue delay, a short
// request that finds an idle instance and an empty queue runs at once on the
// calling thread (see InlineExecution). Destroying the batcher runs
// every request already queued, then stops the threads.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "backends/backend.h"
#include "core/model_stats.h"
#include "model_config.pb.h"
#include "scheduler/batch_queue.h"
#include "scheduler/inline_execution.h"
#include "scheduler/ordered_delivery.h"
#include "scheduler/scheduler.h"

namespace inferd {

class DynamicBatcher : public Scheduler {
 public:
  // `stats` must outlive the batcher.
  DynamicBatcher(const inference::ModelConfig& config, std::vector<std::unique_ptr<ModelInstance>> instances,
                 ModelStats* stats);
  ~DynamicBatcher() override;

  DynamicBatcher(const DynamicBatcher&) = delete;
  DynamicBatcher& operator=(const DynamicBatcher&) = delete;

  void Enqueue(InferJob job) override;
  bool InstancesReady() override { return AllInstancesReady(instances_); }

 private:
  void RunInstance(size_t index);
  // Runs `batch` on instance `index`, which the caller marked busy.
  void Run(size_t index, std::vector<InferJob> batch);
  // With the lock held: how many queued jobs, from the front, form the next
  // batch at `now_ns` for an instance free since `free_since_ns`; 0 means
  // wait (until `*wake_ns` when it is not 0).
  size_t NextBatchSize(uint64_t now_ns, uint64_t free_since_ns, uint64_t* wake_ns) const;

  std::vector<std::unique_ptr<ModelInstance>> instances_;
  ModelStats* stats_;
  uint64_t max_batch_size_;
  std::vector<uint64_t> preferred_sizes_;  // ascending
  uint64_t max_delay_ns_;
  std::unique_ptr<OrderedDelivery> ordered_;  // null unless preserve_ordering
  InlineExecution inline_;

  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable changed_;
  BatchQueue queue_;
  std::vector<bool> busy_;  // by instance index
  std::vector<uint64_t> free_since_ns_;  // by instance index: when its last execution ended
  bool stopping_ = false;
};

}  // namespace inferd
