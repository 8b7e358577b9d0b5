// ModelStats: what one model version has done since it loaded, as the
// statistics extension (nanoseconds) and the metrics endpoint (microseconds)
// report it.
//
// Requests are counted by the server when their final response leaves;
// executions (batches) by the scheduler when an instance finishes one. When
// requests run batched, each of them is charged the whole execution's
// compute durations, as Triton does. Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

namespace inferd {

// Monotonic clock, nanoseconds.
uint64_t SteadyNowNs();
// Wall clock, milliseconds since the Unix epoch.
uint64_t EpochNowMs();

struct DurationStat {
  uint64_t count = 0;
  uint64_t ns = 0;
  void Add(uint64_t duration_ns) {
    ++count;
    ns += duration_ns;
  }
};

// Where the compute time of one execution went, split by the backend's four
// timestamps: start, inputs ready, outputs start, end.
struct ComputeTimestamps {
  uint64_t start_ns = 0;
  uint64_t input_end_ns = 0;
  uint64_t output_start_ns = 0;
  uint64_t end_ns = 0;
};

struct ComputeDurations {
  uint64_t input_ns = 0;
  uint64_t infer_ns = 0;
  uint64_t output_ns = 0;
  // From timestamps an instance filled; missing ones count as inference time.
  static ComputeDurations From(const ComputeTimestamps& times);
};

struct BatchStat {
  uint64_t batch_size = 0;
  DurationStat compute_input, compute_infer, compute_output;
};

// Why a request failed, as nv_inference_request_failure's `reason` label.
enum class FailureReason { kRejected = 0, kCanceled = 1, kBackend = 2, kOther = 3 };
inline constexpr int kFailureReasonCount = 4;
const char* FailureReasonLabel(FailureReason reason);

// Cumulative histogram of durations in microseconds; `counts[i]` counts the
// values <= `bounds_us[i]`, the last bucket (+Inf) is `total`.
struct LatencyHistogram {
  const std::vector<double>* bounds_us = nullptr;
  std::vector<uint64_t> counts;
  uint64_t total = 0;
  double sum_us = 0;
  void Observe(double value_us);
};

// Bucket bounds of the duration histograms, microseconds: 100 µs to 60 s.
const std::vector<double>& DurationBucketsUs();

struct ModelStatsSnapshot {
  uint64_t last_inference_ms = 0;
  uint64_t inference_count = 0;
  uint64_t execution_count = 0;
  DurationStat success, fail, queue, compute_input, compute_infer, compute_output, cache_hit, cache_miss;
  std::array<uint64_t, kFailureReasonCount> failures_by_reason{};
  std::vector<BatchStat> batch_stats;  // ascending batch size
  int64_t pending = 0;
  double load_seconds = 0;
  LatencyHistogram request_us, queue_us, compute_infer_us;
};

class ModelStats {
 public:
  ModelStats();

  // A request whose final response succeeded: `batch_size` inferences.
  void RecordSuccess(uint64_t batch_size, uint64_t request_ns, uint64_t queue_ns, const ComputeDurations& compute);
  // A request answered from the response cache: a success, no inference.
  void RecordCacheHit(uint64_t request_ns, uint64_t queue_ns, uint64_t lookup_ns);
  // A request the response cache did not answer (its lookup, and its insert if it succeeded).
  void RecordCacheMiss(uint64_t lookup_and_insert_ns);
  void RecordFailure(FailureReason reason, uint64_t request_ns);
  // One execution of the model on `batch_size` inferences.
  void RecordExecution(uint64_t batch_size, const ComputeDurations& compute);
  // Requests waiting in the scheduler's queue.
  void AddPending(int64_t delta);
  void SetLoadSeconds(double seconds);

  ModelStatsSnapshot Snapshot() const;

 private:
  // With the lock held: a successful request, from the model or the cache.
  void AddAnswered(uint64_t request_ns, uint64_t queue_ns);

  mutable std::mutex mutex_;
  ModelStatsSnapshot stats_;
  std::map<uint64_t, BatchStat> batches_;
};

}  // namespace inferd
