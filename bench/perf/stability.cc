#include "perf/stability.h"

#include <cmath>

namespace inferd::perf {
namespace {

template <typename Get>
bool WithinOfMean(const std::vector<TrialPoint>& trials, size_t first, double percentage, Get get) {
  double mean = 0;
  for (size_t i = first; i < trials.size(); ++i) mean += get(trials[i]);
  mean /= static_cast<double>(trials.size() - first);
  if (mean <= 0) return false;
  for (size_t i = first; i < trials.size(); ++i) {
    if (std::fabs(get(trials[i]) - mean) > mean * percentage / 100.0) return false;
  }
  return true;
}

}  // namespace

bool IsStable(const std::vector<TrialPoint>& trials, double percentage, size_t window_count) {
  if (window_count == 0 || trials.size() < window_count) return false;
  size_t first = trials.size() - window_count;
  for (size_t i = first; i < trials.size(); ++i) {
    if (trials[i].inferences_per_second <= 0) return false;
  }
  return WithinOfMean(trials, first, percentage, [](const TrialPoint& t) { return t.inferences_per_second; }) &&
         WithinOfMean(trials, first, percentage, [](const TrialPoint& t) { return t.latency_us; });
}

}  // namespace inferd::perf
