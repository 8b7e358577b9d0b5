#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "core/model_stats.h"
#include "core/tensor_batch.h"
#include "scheduler/batch_queue.h"
#include "scheduler/batch_rules.h"
#include "scheduler/inline_execution.h"
#include "scheduler/ordered_delivery.h"

namespace inferd {
namespace {

Tensor Floats(const std::string& name, Shape shape, std::vector<float> values) {
  std::string bytes(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
  return Tensor{name, DataType::kFp32, std::move(shape), Buffer::FromString(bytes)};
}

std::vector<float> Values(const Tensor& t) {
  std::vector<float> values(t.data.size() / sizeof(float));
  std::memcpy(values.data(), t.data.data(), t.data.size());
  return values;
}

Tensor Strings(Shape shape, const std::vector<std::string>& items) {
  std::string bytes;
  for (const auto& item : items) AppendBytesElement(item, &bytes);
  return Tensor{"s", DataType::kBytes, std::move(shape), Buffer::FromString(bytes)};
}

TEST(TensorBatch, JoinsAndSplitsRowsBack) {
  Tensor a = Floats("x", {1, 2}, {1, 2});
  Tensor b = Floats("x", {2, 2}, {3, 4, 5, 6});
  Tensor joined;
  ASSERT_TRUE(ConcatBatch({&a, &b}, &joined).ok());
  EXPECT_EQ(joined.shape, (Shape{3, 2}));
  EXPECT_EQ(Values(joined), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  std::vector<Tensor> parts;
  ASSERT_TRUE(SplitBatch(joined, {1, 2}, &parts).ok());
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].shape, (Shape{1, 2}));
  EXPECT_EQ(Values(parts[0]), (std::vector<float>{1, 2}));
  EXPECT_EQ(parts[1].shape, (Shape{2, 2}));
  EXPECT_EQ(Values(parts[1]), (std::vector<float>{3, 4, 5, 6}));
  EXPECT_EQ(parts[1].data.data(), joined.data.data() + 2 * sizeof(float));  // a view, not a copy
}

TEST(TensorBatch, SingleTensorIsNotCopied) {
  Tensor a = Floats("x", {1, 2}, {1, 2});
  Tensor joined;
  ASSERT_TRUE(ConcatBatch({&a}, &joined).ok());
  EXPECT_EQ(joined.data.data(), a.data.data());
}

TEST(TensorBatch, RefusesDifferentInnerDimensions) {
  Tensor a = Floats("x", {1, 2}, {1, 2});
  Tensor b = Floats("x", {1, 3}, {1, 2, 3});
  Tensor joined;
  EXPECT_FALSE(ConcatBatch({&a, &b}, &joined).ok());
}

TEST(TensorBatch, SplitsStringRows) {
  Tensor whole = Strings({3, 2}, {"a", "bb", "", "ccc", "d", "ee"});
  std::vector<Tensor> parts;
  ASSERT_TRUE(SplitBatch(whole, {2, 1}, &parts).ok());
  std::vector<std::string_view> first, second;
  ASSERT_TRUE(SplitBytesElements("s", {parts[0].data.data(), parts[0].data.size()}, 4, &first).ok());
  ASSERT_TRUE(SplitBytesElements("s", {parts[1].data.data(), parts[1].data.size()}, 2, &second).ok());
  EXPECT_EQ(std::vector<std::string>(first.begin(), first.end()),
            (std::vector<std::string>{"a", "bb", "", "ccc"}));
  EXPECT_EQ(std::vector<std::string>(second.begin(), second.end()), (std::vector<std::string>{"d", "ee"}));
}

TEST(TensorBatch, SplitNamesAWrongBatchDimension) {
  Tensor whole = Floats("y", {2, 1}, {1, 2});
  std::vector<Tensor> parts;
  Status status = SplitBatch(whole, {1, 2}, &parts);
  EXPECT_EQ(status.message(), "output 'y' has shape [2,1], expected a first dimension of 3 (the batch of the requests)");
}

InferenceRequest RequestWith(std::vector<Tensor> inputs, Parameters parameters = {}) {
  InferenceRequest request;
  request.inputs = std::move(inputs);
  request.parameters = std::move(parameters);
  return request;
}

TEST(BatchRules, SameInnerShapesBatch) {
  auto a = RequestWith({Floats("x", {1, 2}, {1, 2})});
  auto b = RequestWith({Floats("x", {3, 2}, {1, 2, 3, 4, 5, 6})});
  auto c = RequestWith({Floats("x", {1, 3}, {1, 2, 3})});
  auto d = RequestWith({Floats("z", {1, 2}, {1, 2})});
  EXPECT_TRUE(CanBatchTogether(a, b));
  EXPECT_FALSE(CanBatchTogether(a, c));
  EXPECT_FALSE(CanBatchTogether(a, d));
}

InferJob Job(Parameters parameters = {}) {
  InferJob job;
  job.request = std::make_shared<InferenceRequest>(RequestWith({}, std::move(parameters)));
  job.timeline = std::make_shared<RequestTimeline>();
  return job;
}

const InferenceRequest* RequestOf(const BatchQueue& queue, size_t i) { return queue.At(i).request.get(); }

TEST(BatchQueue, ServesHigherPriorityFirstAndDefaultsUnknownLevels) {
  inference::ModelDynamicBatching config;
  config.set_priority_levels(3);
  config.set_default_priority_level(2);
  BatchQueue queue(config);
  InferJob low = Job({{"priority", uint64_t{3}}});
  InferJob unset = Job();
  InferJob beyond = Job({{"priority", int64_t{9}}});
  InferJob high = Job({{"priority", int64_t{1}}});
  std::vector<const InferenceRequest*> order = {high.request.get(), unset.request.get(), beyond.request.get(),
                                                low.request.get()};
  for (InferJob* job : {&low, &unset, &beyond, &high}) ASSERT_TRUE(queue.Push(*job, 0).ok());
  ASSERT_EQ(queue.size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(RequestOf(queue, i), order[i]) << i;
  auto popped = queue.PopFront(2);
  EXPECT_EQ(popped[0].request.get(), order[0]);
  EXPECT_EQ(queue.size(), 2u);
}

TEST(BatchQueue, FullLevelRefusesAndKeepsTheJob) {
  inference::ModelDynamicBatching config;
  config.mutable_default_queue_policy()->set_max_queue_size(1);
  BatchQueue queue(config);
  InferJob first = Job(), second = Job();
  ASSERT_TRUE(queue.Push(first, 0).ok());
  Status full = queue.Push(second, 0);
  EXPECT_EQ(full.code(), StatusCode::kUnavailable);
  EXPECT_EQ(full.message(), "Exceeds maximum queue size");
  EXPECT_NE(second.request, nullptr);
}

TEST(BatchQueue, TimeoutsRejectOrDelay) {
  inference::ModelDynamicBatching config;
  config.set_priority_levels(2);
  config.set_default_priority_level(1);
  config.mutable_default_queue_policy()->set_default_timeout_microseconds(10);
  auto& delaying = (*config.mutable_priority_queue_policy())[2];
  delaying.set_timeout_action(inference::ModelQueuePolicy::DELAY);
  delaying.set_default_timeout_microseconds(10);
  BatchQueue queue(config);
  InferJob rejected = Job(), delayed = Job({{"priority", int64_t{2}}}), fresh = Job({{"priority", int64_t{2}}});
  const InferenceRequest* delayed_request = delayed.request.get();
  const InferenceRequest* fresh_request = fresh.request.get();
  ASSERT_TRUE(queue.Push(rejected, 0).ok());
  ASSERT_TRUE(queue.Push(delayed, 0).ok());
  EXPECT_EQ(queue.NextDeadline(), 10'000u);
  ASSERT_TRUE(queue.Push(fresh, 15'000).ok());
  auto expired = queue.TakeExpired(20'000);
  ASSERT_EQ(expired.size(), 1u);  // the REJECT one
  ASSERT_EQ(queue.size(), 2u);
  EXPECT_EQ(RequestOf(queue, 0), fresh_request);    // not timed out: served first
  EXPECT_EQ(RequestOf(queue, 1), delayed_request);  // timed out, delayed behind
}

TEST(BatchQueue, RequestTimeoutOverridesOnlyWhenAllowedAndShorter) {
  inference::ModelDynamicBatching config;
  config.mutable_default_queue_policy()->set_default_timeout_microseconds(100);
  BatchQueue strict(config);
  InferJob ignored = Job({{"timeout", int64_t{5}}});
  ASSERT_TRUE(strict.Push(ignored, 0).ok());
  EXPECT_EQ(strict.NextDeadline(), 100'000u);

  config.mutable_default_queue_policy()->set_allow_timeout_override(true);
  BatchQueue lenient(config);
  InferJob shorter = Job({{"timeout", int64_t{5}}}), longer = Job({{"timeout", int64_t{500}}});
  ASSERT_TRUE(lenient.Push(longer, 0).ok());
  EXPECT_EQ(lenient.NextDeadline(), 100'000u);
  ASSERT_TRUE(lenient.Push(shorter, 0).ok());
  EXPECT_EQ(lenient.NextDeadline(), 5'000u);
}

TEST(OrderedDelivery, HoldsLaterResponsesUntilEarlierOnesFinish) {
  OrderedDelivery ordered;
  std::vector<std::string> delivered;
  auto record = [&](const std::string& name) {
    return [&delivered, name](Status, std::unique_ptr<InferenceResponse>, bool final) {
      delivered.push_back(name + (final ? "!" : ""));
    };
  };
  auto first = ordered.Wrap(record("a"));
  auto second = ordered.Wrap(record("b"));
  auto third = ordered.Wrap(record("c"));
  third(Status::Ok(), nullptr, true);
  second(Status::Ok(), nullptr, false);
  EXPECT_TRUE(delivered.empty());
  first(Status::Ok(), nullptr, false);
  EXPECT_EQ(delivered, (std::vector<std::string>{"a"}));
  first(Status::Ok(), nullptr, true);
  EXPECT_EQ(delivered, (std::vector<std::string>{"a", "a!", "b"}));
  second(Status::Ok(), nullptr, true);
  EXPECT_EQ(delivered, (std::vector<std::string>{"a", "a!", "b", "b!", "c!"}));
}

TEST(ModelStats, CountsRequestsExecutionsAndHistograms) {
  ModelStats stats;
  ComputeDurations compute{1000, 200000, 3000};
  stats.RecordExecution(4, compute);
  stats.RecordSuccess(3, 500000, 100000, compute);
  stats.RecordSuccess(1, 2000000, 0, compute);
  stats.RecordFailure(FailureReason::kRejected, 7);
  ModelStatsSnapshot s = stats.Snapshot();
  EXPECT_EQ(s.inference_count, 4u);
  EXPECT_EQ(s.execution_count, 1u);
  EXPECT_EQ(s.success.count, 2u);
  EXPECT_EQ(s.success.ns, 2500000u);
  EXPECT_EQ(s.compute_infer.ns, 400000u);
  EXPECT_EQ(s.fail.count, 1u);
  EXPECT_EQ(s.failures_by_reason[static_cast<int>(FailureReason::kRejected)], 1u);
  ASSERT_EQ(s.batch_stats.size(), 1u);
  EXPECT_EQ(s.batch_stats[0].batch_size, 4u);
  EXPECT_EQ(s.request_us.total, 2u);
  // 500 µs and 2000 µs: one at or below the 500 µs bound, both at or below 2500 µs.
  const auto& bounds = *s.request_us.bounds_us;
  size_t at_500 = std::find(bounds.begin(), bounds.end(), 500.0) - bounds.begin();
  size_t at_2500 = std::find(bounds.begin(), bounds.end(), 2500.0) - bounds.begin();
  EXPECT_EQ(s.request_us.counts[at_500], 1u);
  EXPECT_EQ(s.request_us.counts[at_2500], 2u);
  EXPECT_EQ(s.request_us.counts[0], 0u);
}

TEST(ComputeDurations, SplitsTheFourTimestamps) {
  ComputeDurations d = ComputeDurations::From({100, 150, 400, 420});
  EXPECT_EQ(d.input_ns, 50u);
  EXPECT_EQ(d.infer_ns, 250u);
  EXPECT_EQ(d.output_ns, 20u);
  ComputeDurations only_ends = ComputeDurations::From({100, 0, 0, 400});
  EXPECT_EQ(only_ends.infer_ns, 300u);
}

}  // namespace
}  // namespace inferd

namespace inferd {
namespace {

// An instance that answers every request at once, taking `sleep` per execution.
class InstantInstance : public ModelInstance {
 public:
  InstantInstance(bool any_thread, std::chrono::microseconds sleep) : any_thread_(any_thread), sleep_(sleep) {}
  bool RunsOnAnyThread() const override { return any_thread_; }
  void RunBatch(std::vector<ExecutionRequest> requests, ComputeTimestamps*) override {
    std::this_thread::sleep_for(sleep_);
    for (auto& request : requests) request.sink(Status::Ok(), std::make_unique<InferenceResponse>(), true);
  }

 private:
  bool any_thread_;
  std::chrono::microseconds sleep_;
};

std::vector<std::unique_ptr<ModelInstance>> Instances(bool any_thread, std::chrono::microseconds sleep) {
  std::vector<std::unique_ptr<ModelInstance>> instances;
  instances.push_back(std::make_unique<InstantInstance>(any_thread, sleep));
  return instances;
}

std::vector<InferJob> OneJob() {
  std::vector<InferJob> jobs;
  jobs.push_back(Job());
  jobs.back().on_response = [](Status, std::unique_ptr<InferenceResponse>, bool) {};
  return jobs;
}

TEST(InlineExecution, OnlyShortModelsWhoseInstancesRunOnAnyThread) {
  ModelStats stats;
  auto fast = Instances(true, std::chrono::microseconds(0));
  InlineExecution fast_policy(fast);
  EXPECT_FALSE(fast_policy.Allowed());  // nothing measured yet
  fast_policy.Run(fast[0].get(), OneJob(), &stats);
  EXPECT_TRUE(fast_policy.Allowed());

  auto slow = Instances(true, std::chrono::milliseconds(5));
  InlineExecution slow_policy(slow);
  slow_policy.Run(slow[0].get(), OneJob(), &stats);
  EXPECT_FALSE(slow_policy.Allowed());

  auto bound = Instances(false, std::chrono::microseconds(0));
  InlineExecution bound_policy(bound);
  bound_policy.Run(bound[0].get(), OneJob(), &stats);
  EXPECT_FALSE(bound_policy.Allowed());
  EXPECT_EQ(stats.Snapshot().execution_count, 3u);
}

}  // namespace
}  // namespace inferd
