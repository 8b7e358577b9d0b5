// Measuring one load level: warm-up, then windows of the measurement
// interval until the last three agree (stability) or the trials run out.
//
// Throughput and client-side latencies come from the requests that ended in
// each window; server-side averages from the difference of the server's
// statistics taken around each window. The result merges the last three
// windows (fewer when fewer were measured).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "perf/load_generator.h"
#include "perf/server_client.h"
#include "perf/server_stats.h"
#include "perf/window_summary.h"

namespace inferd::perf {

struct MeasureOptions {
  int64_t interval_ms = 5000;
  int64_t warmup_ms = 2000;
  double stability_percentage = 10;
  int max_trials = 10;
  int64_t batch_size = 1;
  int percentile = 0;         // latency the stability check uses; 0 = average
  bool server_stats = false;  // the server offers the statistics extension
};

struct LevelResult {
  double level = 0;
  WindowSummary summary;
  int trials = 0;
  bool stable = false;
  bool has_server_stats = false;
  StatsDelta server;
  std::string first_error;  // non-empty: requests failed and the sweep stops
};

using ProgressFn = std::function<void(const std::string& line)>;

// `stats` is asked for snapshots when options.server_stats is set; a failing
// snapshot only drops the server-side columns (reported through `progress`).
LevelResult MeasureLevel(LoadGenerator* load, ServerClient* stats, double level, const MeasureOptions& options,
                         const ProgressFn& progress);

}  // namespace inferd::perf
