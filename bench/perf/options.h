// The command line of inferd-perf, with perf_analyzer's names for the flags
// they share.
#pragma once

#include <string>

#include "perf/input_data.h"
#include "perf/load_range.h"
#include "perf/measurement.h"
#include "perf/report.h"
#include "perf/send_schedule.h"
#include "perf/server_client.h"

namespace inferd::perf {

struct PerfOptions {
  ClientOptions client;
  InputDataOptions input;
  LoadMode mode = LoadMode::kConcurrency;
  LoadRange range;
  Distribution distribution = Distribution::kConstant;
  int64_t max_threads = 16;  // connections of request-rate mode
  MeasureOptions measure;
  std::string csv_file;
  std::string json_file;
  bool system_shared_memory = false;          // --shared-memory system
  size_t output_shared_memory_size = 102400;  // bytes of each output's region
};

enum class ParseOutcome { kRun, kExitSuccess, kUsageError };

// Parses the command line; prints help or usage errors itself.
ParseOutcome ParsePerfOptions(int argc, char** argv, PerfOptions* options);

// Splits "host:port" (also "[v6]:port" and with a leading "http://" or
// "grpc://"); the port defaults to `default_port`.
Status ParseUrl(const std::string& url, const std::string& default_port, std::string* host, std::string* port);

}  // namespace inferd::perf
