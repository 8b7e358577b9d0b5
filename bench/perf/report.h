// The results of a sweep as a table for people, CSV (perf_analyzer's
// columns) and JSON. All times are microseconds.
#pragma once

#include <string>
#include <vector>

#include "perf/measurement.h"

namespace inferd::perf {

enum class LoadMode { kConcurrency, kRequestRate };

struct ReportRow {
  double level = 0;  // concurrency or requests per second
  double inferences_per_second = 0;
  double client_send_us = 0;
  // Latency not spent in the client or in the server's queue and compute
  // phases: the network and the server's own reading and writing.
  double network_server_us = 0;
  bool has_server_stats = false;
  double server_queue_us = 0;
  double server_compute_input_us = 0;
  double server_compute_infer_us = 0;
  double server_compute_output_us = 0;
  double client_recv_us = 0;
  double p50_us = 0, p90_us = 0, p95_us = 0, p99_us = 0, avg_us = 0;
  int64_t requests = 0, errors = 0, late_sends = 0, dropped_sends = 0;
  int windows = 0;
  bool stable = false;
};

ReportRow MakeRow(const LevelResult& result);

struct RunDescription {
  std::string model, version, protocol, url;
  LoadMode mode = LoadMode::kConcurrency;
  int64_t batch_size = 1;
  int64_t measurement_interval_ms = 0;
  std::string error;  // why the sweep ended early, if it did
};

std::string TableReport(const std::vector<ReportRow>& rows, LoadMode mode);
std::string CsvReport(const std::vector<ReportRow>& rows, LoadMode mode);
std::string JsonReport(const RunDescription& run, const std::vector<ReportRow>& rows);

}  // namespace inferd::perf
