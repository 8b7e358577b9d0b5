// The command line: tritonserver's flags, as far as inferd implements them.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "core/status.h"
#include "core/trace_settings.h"
#include "frontend/api_restrictions.h"
#include "frontend/header_forwarding.h"

namespace inferd {

// The default of --http-thread-count: one event loop per usable core (see
// core/usable_cores.h), at most 8 (tritonserver's default). More loops than
// cores only add wake-ups: each connection lives on one loop, and loops
// sharing a core take turns.
int DefaultHttpThreadCount();

struct Options {
  std::vector<std::string> model_repositories;
  std::string id = "triton";

  bool allow_http = true;
  std::string http_address = "0.0.0.0";
  int http_port = 8000;
  int http_thread_count = DefaultHttpThreadCount();
  int http_busy_poll_us = 50;
  size_t http_max_input_size = 64 * 1024 * 1024;
  ApiRestrictions http_restricted_api;  // --http-restricted-api
  HeaderForwarding http_header_forwarding;  // --http-header-forward-pattern

  bool allow_grpc = true;
  std::string grpc_address = "0.0.0.0";
  int grpc_port = 8001;
  int grpc_infer_thread_count = 1;
  int grpc_busy_poll_us = 200;
  int grpc_infer_allocation_pool_size = 8;  // accepted; inferd allocates per request
  int grpc_keepalive_time_ms = 7200000;
  int grpc_keepalive_timeout_ms = 20000;
  bool grpc_keepalive_permit_without_calls = false;
  int grpc_http2_max_pings_without_data = 2;
  int grpc_http2_min_recv_ping_interval_without_data_ms = 300000;
  int grpc_http2_max_ping_strikes = 2;
  ApiRestrictions grpc_restricted_protocol;  // --grpc-restricted-protocol
  HeaderForwarding grpc_header_forwarding;   // --grpc-header-forward-pattern
  std::string grpc_infer_response_compression_level = "none";  // none, low, medium or high

  bool allow_metrics = true;
  std::string metrics_address;  // empty: the HTTP address
  int metrics_port = 8002;
  int metrics_interval_ms = 2000;
  bool allow_cpu_metrics = true;
  bool allow_gpu_metrics = true;  // accepted; there are no GPU metrics
  bool metrics_counter_latencies = true;  // --metrics-config counter_latencies

  TraceSettings trace;  // --trace-config and the older --trace-* flags

  std::string model_control_mode = "none";  // none, poll or explicit (lower case)
  std::vector<std::string> load_models;     // --load-model, explicit mode only; "*" = every model
  int repository_poll_secs = 15;            // poll mode; 0 = no polling
  bool allow_client_shm = false;  // --allow-client-shm
  std::string backend_directory;               // accepted; inferd's backends are built in
  std::vector<std::string> cache_configs;      // --cache-config, as given
  uint64_t response_cache_bytes = 0;           // from cache_configs: the local cache's size, 0 for none
  std::string model_config_name;  // --model-config-name: configs/<name>.pbtxt where a model has it
  bool auto_complete = true;  // false with --disable-auto-complete-config / --strict-model-config=true
  bool strict_readiness = true;
  bool exit_on_error = true;
  int exit_timeout_secs = 30;
  int model_load_thread_count = 4;

  bool log_info = true;
  bool log_warning = true;
  bool log_error = true;
  int log_verbose = 0;
  std::string log_format = "default";  // default or ISO8601
  std::string log_file;                // empty: stderr

  // --backend-config: backend name -> key -> value. Settings given without a
  // backend name apply to every backend.
  std::map<std::string, BackendSettings> backend_config;
};

enum class ParseOutcome { kRun, kExitSuccess, kExitFailure };

// Parses argv. On kExitFailure a one-line error has been printed; on
// kExitSuccess the help text has.
ParseOutcome ParseOptions(int argc, char** argv, Options* options);

}  // namespace inferd
