// Server-side statistics of the model under test (the KServe statistics
// extension), and the difference of two snapshots around a measurement window.
#pragma once

#include <cstdint>
#include <string>

#include "perf/status.h"

namespace inferd::perf {

struct StatDuration {
  uint64_t count = 0;
  uint64_t ns = 0;
};

// Cumulative counters, summed over the model's versions the server returned.
struct ModelStatsSnapshot {
  uint64_t inference_count = 0;
  uint64_t execution_count = 0;
  StatDuration success, fail, queue, compute_input, compute_infer, compute_output, cache_hit, cache_miss;
};

// What happened between two snapshots; sums of several windows add up.
struct StatsDelta {
  uint64_t inference_count = 0;
  uint64_t execution_count = 0;
  StatDuration success, fail, queue, compute_input, compute_infer, compute_output;

  StatsDelta& operator+=(const StatsDelta& other);
};

// Average microseconds per request of each server-side phase.
struct ServerAverages {
  double queue_us = 0;
  double compute_input_us = 0;
  double compute_infer_us = 0;
  double compute_output_us = 0;
};

StatsDelta Diff(const ModelStatsSnapshot& before, const ModelStatsSnapshot& after);
ServerAverages Averages(const StatsDelta& delta);

// Reads an HTTP statistics reply ({"model_stats": [...]}) for model `name`,
// summing the versions listed (only `version` when it is not empty).
Status ParseStatsJson(const std::string& body, const std::string& name, const std::string& version,
                      ModelStatsSnapshot* snapshot);

}  // namespace inferd::perf
