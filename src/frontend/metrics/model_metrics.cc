#include "frontend/metrics/model_metrics.h"

#include <algorithm>
#include <cctype>
#include <functional>

namespace inferd {
namespace {

struct CounterFamily {
  const char* name;
  const char* help;
  std::function<uint64_t(const ModelStatsSnapshot&)> value;
};

// Statistics keep nanoseconds; the endpoint reports whole microseconds.
uint64_t Micros(const DurationStat& stat) { return stat.ns / 1000; }

const std::vector<CounterFamily>& CountFamilies() {
  static const std::vector<CounterFamily> kFamilies = {
      {"nv_inference_request_success", "Number of successful inference requests, all batch sizes",
       [](const ModelStatsSnapshot& s) { return s.success.count; }},
      {"nv_inference_count", "Number of inferences performed (does not include cached requests)",
       [](const ModelStatsSnapshot& s) { return s.inference_count; }},
      {"nv_inference_exec_count", "Number of model executions performed (does not include cached requests)",
       [](const ModelStatsSnapshot& s) { return s.execution_count; }},
  };
  return kFamilies;
}

const std::vector<CounterFamily>& DurationFamilies() {
  static const std::vector<CounterFamily> kFamilies = {
      {"nv_inference_request_duration_us", "Cumulative inference request duration in microseconds",
       [](const ModelStatsSnapshot& s) { return Micros(s.success); }},
      {"nv_inference_queue_duration_us", "Cumulative inference queuing duration in microseconds",
       [](const ModelStatsSnapshot& s) { return Micros(s.queue); }},
      {"nv_inference_compute_input_duration_us", "Cumulative compute input duration in microseconds",
       [](const ModelStatsSnapshot& s) { return Micros(s.compute_input); }},
      {"nv_inference_compute_infer_duration_us", "Cumulative compute inference duration in microseconds",
       [](const ModelStatsSnapshot& s) { return Micros(s.compute_infer); }},
      {"nv_inference_compute_output_duration_us", "Cumulative inference compute output duration in microseconds",
       [](const ModelStatsSnapshot& s) { return Micros(s.compute_output); }},
  };
  return kFamilies;
}

// Only for models whose responses are cached.
const std::vector<CounterFamily>& CacheCountFamilies() {
  static const std::vector<CounterFamily> kFamilies = {
      {"nv_cache_num_hits_per_model", "Number of cache hits per model",
       [](const ModelStatsSnapshot& s) { return s.cache_hit.count; }},
      {"nv_cache_num_misses_per_model", "Number of cache misses per model",
       [](const ModelStatsSnapshot& s) { return s.cache_miss.count; }},
  };
  return kFamilies;
}

const std::vector<CounterFamily>& CacheDurationFamilies() {
  static const std::vector<CounterFamily> kFamilies = {
      {"nv_cache_hit_duration_per_model", "Total cache hit duration per model, in microseconds",
       [](const ModelStatsSnapshot& s) { return Micros(s.cache_hit); }},
      {"nv_cache_miss_duration_per_model", "Total cache miss (insert + lookup) duration per model, in microseconds",
       [](const ModelStatsSnapshot& s) { return Micros(s.cache_miss); }},
  };
  return kFamilies;
}

struct HistogramFamily {
  const char* name;
  const char* help;
  const LatencyHistogram ModelStatsSnapshot::*histogram;
};

const std::vector<HistogramFamily>& HistogramFamilies() {
  static const std::vector<HistogramFamily> kFamilies = {
      {"inferd_inference_request_duration_us", "Duration of successful inference requests in microseconds",
       &ModelStatsSnapshot::request_us},
      {"inferd_inference_queue_duration_us", "Time successful requests waited in the queue in microseconds",
       &ModelStatsSnapshot::queue_us},
      {"inferd_inference_compute_infer_duration_us", "Model execution time of successful requests in microseconds",
       &ModelStatsSnapshot::compute_infer_us},
  };
  return kFamilies;
}

constexpr const char* kFailure = "nv_inference_request_failure";
constexpr const char* kPending = "nv_inference_pending_request_count";
constexpr const char* kLoad = "nv_model_load_duration_secs";

// A metric_tags key as a label name: characters Prometheus does not allow
// in label names become '_'.
std::string TagLabel(const std::string& key) {
  std::string label = "_" + key;
  for (char& c : label) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return label;
}

MetricLabels LabelsOf(const ModelMetricsRow& row) {
  MetricLabels labels;
  for (const auto& [key, value] : row.tags) labels[TagLabel(key)] = value;
  labels["model"] = row.name;
  labels["version"] = std::to_string(row.version);
  return labels;
}

}  // namespace

void RenderModelMetrics(const std::vector<ModelMetricsRow>& rows, const ModelMetricsOptions& options,
                        PrometheusText* out) {
  std::vector<MetricLabels> labels;
  labels.reserve(rows.size());
  for (const auto& row : rows) labels.push_back(LabelsOf(row));

  // `cached_only`: families with a row for each model that caches responses, left out when none does.
  auto counters = [&](const std::vector<CounterFamily>& families, bool cached_only = false) {
    if (cached_only && std::none_of(rows.begin(), rows.end(), [](const auto& row) { return row.cached; })) return;
    for (const auto& family : families) {
      out->Family(family.name, family.help, "counter");
      for (size_t i = 0; i < rows.size(); ++i) {
        if (!cached_only || rows[i].cached) out->Sample(family.name, labels[i], family.value(rows[i].stats));
      }
    }
  };
  counters(CountFamilies());

  out->Family(kFailure, "Number of failed inference requests, all batch sizes", "counter");
  for (size_t i = 0; i < rows.size(); ++i) {
    for (int reason = 0; reason < kFailureReasonCount; ++reason) {
      MetricLabels with_reason = labels[i];
      with_reason["reason"] = FailureReasonLabel(static_cast<FailureReason>(reason));
      out->Sample(kFailure, with_reason, rows[i].stats.failures_by_reason[reason]);
    }
  }

  out->Family(kPending, "Instantaneous number of pending requests awaiting execution per-model", "gauge");
  for (size_t i = 0; i < rows.size(); ++i) {
    out->Sample(kPending, labels[i], static_cast<double>(std::max<int64_t>(0, rows[i].stats.pending)));
  }

  if (options.counter_latencies) counters(DurationFamilies());
  counters(CacheCountFamilies(), true);
  if (options.counter_latencies) counters(CacheDurationFamilies(), true);

  out->Family(kLoad, "Model load time in seconds", "gauge");
  for (size_t i = 0; i < rows.size(); ++i) out->Sample(kLoad, labels[i], rows[i].stats.load_seconds);

  for (const auto& family : HistogramFamilies()) {
    out->Family(family.name, family.help, "histogram");
    for (size_t i = 0; i < rows.size(); ++i) {
      const LatencyHistogram& h = rows[i].stats.*family.histogram;
      static const std::vector<double> kNone;
      out->Histogram(family.name, labels[i], h.bounds_us ? *h.bounds_us : kNone, h.counts, h.total, h.sum_us);
    }
  }
}

std::set<std::string> ModelMetricNames() {
  std::set<std::string> names = {kFailure, kPending, kLoad};
  for (const auto* families :
       {&CountFamilies(), &DurationFamilies(), &CacheCountFamilies(), &CacheDurationFamilies()}) {
    for (const auto& family : *families) names.insert(family.name);
  }
  for (const auto& family : HistogramFamilies()) {
    names.insert(family.name);
    for (const char* suffix : {"_bucket", "_sum", "_count"}) names.insert(std::string(family.name) + suffix);
  }
  return names;
}

}  // namespace inferd
