// The command line: tritonserver's flags, as far as inferd implements them.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "core/status.h"

namespace inferd {

struct Options {
  std::vector<std::string> model_repositories;
  std::string id = "triton";

  bool allow_http = true;
  std::string http_address = "0.0.0.0";
  int http_port = 8000;
  int http_thread_count = 8;
  size_t http_max_input_size = 64 * 1024 * 1024;

  // Accepted for compatibility; the gRPC and metrics services come later.
  bool allow_grpc = true;
  std::string grpc_address = "0.0.0.0";
  int grpc_port = 8001;
  bool allow_metrics = true;
  std::string metrics_address = "0.0.0.0";
  int metrics_port = 8002;

  std::string model_control_mode = "none";
  bool auto_complete = true;  // false with --disable-auto-complete-config / --strict-model-config=true
  bool strict_readiness = true;
  bool exit_on_error = true;
  int exit_timeout_secs = 30;
  int model_load_thread_count = 4;

  bool log_info = true;
  bool log_warning = true;
  bool log_error = true;
  int log_verbose = 0;

  // --backend-config: backend name -> key -> value. Settings given without a
  // backend name apply to every backend.
  std::map<std::string, BackendSettings> backend_config;
};

enum class ParseOutcome { kRun, kExitSuccess, kExitFailure };

// Parses argv. On kExitFailure a one-line error has been printed; on
// kExitSuccess the help text has.
ParseOutcome ParseOptions(int argc, char** argv, Options* options);

}  // namespace inferd
