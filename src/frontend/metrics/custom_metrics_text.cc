#include "frontend/metrics/custom_metrics_text.h"

namespace inferd {

void RenderCustomMetrics(const std::vector<CustomFamilySnapshot>& families, PrometheusText* out) {
  for (const auto& family : families) {
    out->Family(family.name, family.help, CustomMetricKindName(family.kind));
    for (const auto& series : family.series) {
      if (family.kind == CustomMetricKind::kHistogram) {
        out->Histogram(family.name, series.labels, series.bounds, series.cumulative, series.count, series.sum);
      } else {
        out->Sample(family.name, series.labels, series.value);
      }
    }
  }
}

}  // namespace inferd
