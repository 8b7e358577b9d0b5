// The stability rule of the measurement: the last windows agree.
#pragma once

#include <cstddef>
#include <vector>

namespace inferd::perf {

struct TrialPoint {
  double inferences_per_second = 0;
  double latency_us = 0;
};

// True when there are at least `window_count` trials and, over the last
// `window_count`, both throughput and latency of each are within
// `percentage` percent of their mean. Trials with no completed request are
// never stable.
bool IsStable(const std::vector<TrialPoint>& trials, double percentage, size_t window_count = 3);

}  // namespace inferd::perf
