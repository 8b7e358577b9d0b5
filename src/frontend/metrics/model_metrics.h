// The per-model metric families of the metrics endpoint: Triton's nv_*
// families and inferd's latency histograms, rendered from the statistics
// snapshots of the READY model versions.
//
// Every family's header is written even without models, and each model
// version contributes its series (value 0 right after load); a version that
// is no longer READY is simply not among the rows, so its series vanish.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/model_stats.h"
#include "frontend/metrics/prometheus_text.h"

namespace inferd {

struct ModelMetricsRow {
  std::string name;
  int64_t version = 0;
  // The config's metric_tags; each becomes a label `_<key>`.
  std::map<std::string, std::string> tags;
  ModelStatsSnapshot stats;
  // The model's responses go through the response cache: its nv_cache_* rows appear.
  bool cached = false;
};

struct ModelMetricsOptions {
  // --metrics-config counter_latencies: the five *_duration_us counters.
  bool counter_latencies = true;
};

void RenderModelMetrics(const std::vector<ModelMetricsRow>& rows, const ModelMetricsOptions& options,
                        PrometheusText* out);

// The sample names these families write (histograms: with their _bucket,
// _sum and _count suffixes).
std::set<std::string> ModelMetricNames();

}  // namespace inferd
