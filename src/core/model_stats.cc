#include "core/model_stats.h"

#include <algorithm>
#include <chrono>

namespace inferd {

uint64_t SteadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

uint64_t EpochNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

uint64_t Between(uint64_t from, uint64_t to) { return to > from ? to - from : 0; }

}  // namespace

ComputeDurations ComputeDurations::From(const ComputeTimestamps& t) {
  ComputeDurations d;
  if (t.start_ns == 0 || t.end_ns == 0) return d;
  uint64_t input_end = t.input_end_ns ? t.input_end_ns : t.start_ns;
  uint64_t output_start = t.output_start_ns ? t.output_start_ns : t.end_ns;
  d.input_ns = Between(t.start_ns, input_end);
  d.infer_ns = Between(input_end, output_start);
  d.output_ns = Between(output_start, t.end_ns);
  return d;
}

const char* FailureReasonLabel(FailureReason reason) {
  switch (reason) {
    case FailureReason::kRejected: return "REJECTED";
    case FailureReason::kCanceled: return "CANCELED";
    case FailureReason::kBackend: return "BACKEND";
    case FailureReason::kOther: return "OTHER";
  }
  return "OTHER";
}

const std::vector<double>& DurationBucketsUs() {
  static const std::vector<double> kBounds = {100,    250,    500,     1000,    2500,    5000,     10000,
                                              25000,  50000,  100000,  250000,  500000,  1000000,  2500000,
                                              5000000, 10000000, 30000000, 60000000};
  return kBounds;
}

void LatencyHistogram::Observe(double value_us) {
  ++total;
  sum_us += value_us;
  auto first = std::lower_bound(bounds_us->begin(), bounds_us->end(), value_us);
  for (size_t i = first - bounds_us->begin(); i < counts.size(); ++i) ++counts[i];
}

ModelStats::ModelStats() {
  for (LatencyHistogram* h : {&stats_.request_us, &stats_.queue_us, &stats_.compute_infer_us}) {
    h->bounds_us = &DurationBucketsUs();
    h->counts.assign(h->bounds_us->size(), 0);
  }
}

void ModelStats::RecordSuccess(uint64_t batch_size, uint64_t request_ns, uint64_t queue_ns,
                               const ComputeDurations& compute) {
  std::lock_guard<std::mutex> lock(mutex_);
  AddAnswered(request_ns, queue_ns);
  stats_.compute_input.Add(compute.input_ns);
  stats_.compute_infer.Add(compute.infer_ns);
  stats_.compute_output.Add(compute.output_ns);
  stats_.inference_count += batch_size;
  stats_.compute_infer_us.Observe(compute.infer_ns / 1000.0);
}

void ModelStats::AddAnswered(uint64_t request_ns, uint64_t queue_ns) {
  stats_.success.Add(request_ns);
  stats_.queue.Add(queue_ns);
  stats_.request_us.Observe(request_ns / 1000.0);
  stats_.queue_us.Observe(queue_ns / 1000.0);
}

void ModelStats::RecordCacheHit(uint64_t request_ns, uint64_t queue_ns, uint64_t lookup_ns) {
  uint64_t now_ms = EpochNowMs();
  std::lock_guard<std::mutex> lock(mutex_);
  AddAnswered(request_ns, queue_ns);
  stats_.cache_hit.Add(lookup_ns);
  stats_.last_inference_ms = now_ms;
}

void ModelStats::RecordCacheMiss(uint64_t lookup_and_insert_ns) {
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.cache_miss.Add(lookup_and_insert_ns);
}

void ModelStats::RecordFailure(FailureReason reason, uint64_t request_ns) {
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.fail.Add(request_ns);
  ++stats_.failures_by_reason[static_cast<int>(reason)];
}

void ModelStats::RecordExecution(uint64_t batch_size, const ComputeDurations& compute) {
  uint64_t now_ms = EpochNowMs();
  std::lock_guard<std::mutex> lock(mutex_);
  ++stats_.execution_count;
  stats_.last_inference_ms = now_ms;
  BatchStat& batch = batches_[batch_size];
  batch.batch_size = batch_size;
  batch.compute_input.Add(compute.input_ns);
  batch.compute_infer.Add(compute.infer_ns);
  batch.compute_output.Add(compute.output_ns);
}

void ModelStats::AddPending(int64_t delta) {
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.pending += delta;
}

void ModelStats::SetLoadSeconds(double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.load_seconds = seconds;
}

ModelStatsSnapshot ModelStats::Snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  ModelStatsSnapshot snapshot = stats_;
  for (const auto& [size, batch] : batches_) snapshot.batch_stats.push_back(batch);
  return snapshot;
}

}  // namespace inferd
