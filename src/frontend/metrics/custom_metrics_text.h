// Models' own metrics (CustomMetricRegistry) in the exposition format, with
// the names, help texts and labels the models gave them.
#pragma once

#include <vector>

#include "core/custom_metrics.h"
#include "frontend/metrics/prometheus_text.h"

namespace inferd {

void RenderCustomMetrics(const std::vector<CustomFamilySnapshot>& families, PrometheusText* out);

}  // namespace inferd
