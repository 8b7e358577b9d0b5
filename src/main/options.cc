#include "main/options.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <tuple>

#include "core/ascii.h"
#include "core/response_cache.h"
#include "core/usable_cores.h"

namespace inferd {

int DefaultHttpThreadCount() { return std::min(UsableCores(), 8); }

namespace {

// "onnxruntime,key=value" or "key=value" (all backends).
bool AddBackendConfig(const std::string& text, Options* options, std::string* error) {
  std::string backend, setting = text;
  size_t comma = text.find(',');
  if (comma != std::string::npos) {
    backend = text.substr(0, comma);
    setting = text.substr(comma + 1);
  }
  size_t equals = setting.find('=');
  if (equals == std::string::npos || equals == 0) {
    *error = "--backend-config expects <backend>,<key>=<value>, got '" + text + "'";
    return false;
  }
  options->backend_config[backend][setting.substr(0, equals)] = setting.substr(equals + 1);
  return true;
}

// Global settings reach every backend unless it overrides them.
void SpreadGlobalBackendConfig(Options* options) {
  auto& global = options->backend_config[""];
  if (!global.count("default-max-batch-size")) global["default-max-batch-size"] = "4";
  for (const char* backend : {"onnxruntime", "pytorch", "python", "tensorflow", "openvino"}) {
    auto& settings = options->backend_config[backend];
    for (const auto& [key, value] : global) settings.emplace(key, value);
  }
}

// --metrics-config=<key>=<value>; inferd knows counter_latencies only.
bool AddMetricsConfig(const std::string& text, Options* options, std::string* error) {
  size_t equals = text.find('=');
  std::string key = text.substr(0, equals);
  std::string value = equals == std::string::npos ? "" : text.substr(equals + 1);
  value = LowerAscii(value);
  if (key != "counter_latencies") {
    *error = "--metrics-config: unknown or unsupported key '" + key + "' (supported: counter_latencies=<bool>)";
    return false;
  }
  if (value == "true" || value == "1") {
    options->metrics_counter_latencies = true;
  } else if (value == "false" || value == "0") {
    options->metrics_counter_latencies = false;
  } else {
    *error = "--metrics-config: counter_latencies expects true or false, got '" + text + "'";
    return false;
  }
  return true;
}

}  // namespace

ParseOutcome ParseOptions(int argc, char** argv, Options* options) {
  CLI::App app{"inferd: serves Triton model repositories over the KServe v2 protocol", "inferd"};
  // A repeated flag takes its last value, as with tritonserver; repeatable
  // flags opt back into collecting every value.
  app.option_defaults()->always_capture_default()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  std::vector<std::string> backend_configs;
  std::vector<std::string> http_restrictions, grpc_restrictions;
  std::string http_forward_pattern, grpc_forward_pattern;
  std::vector<std::string> metrics_configs;
  bool disable_auto_complete = false;
  bool strict_model_config = false;

  app.add_option("--model-repository,--model-store", options->model_repositories,
                 "Model repository folder (repeatable)")
      ->required()
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--id", options->id, "Server identifier, reported as the server name");
  app.add_option("--allow-http", options->allow_http, "Serve HTTP/REST");
  app.add_option("--http-address", options->http_address, "Address of the HTTP service");
  app.add_option("--http-port", options->http_port, "Port of the HTTP service")->check(CLI::Range(0, 65535));
  app.add_option("--http-thread-count", options->http_thread_count,
                 "Threads serving HTTP (default: one per usable core, at most 8)")
      ->check(CLI::Range(1, 256));
  app.add_option("--http-busy-poll-us", options->http_busy_poll_us,
                 "After answering, an idle HTTP thread polls for the next request this long before sleeping (0: never)")
      ->check(CLI::Range(0, 10000));
  app.add_option("--http-max-input-size", options->http_max_input_size,
                 "Largest HTTP request body accepted, in bytes, also after decompression")->check(CLI::PositiveNumber);
  app.add_option("--http-restricted-api", http_restrictions,
                 "<category>[,<category>...]:<header>=<value> (repeatable): those endpoints need the header")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--http-header-forward-pattern", http_forward_pattern,
                 "Request headers whose name matches this regular expression (any case) become string "
                 "parameters of inference requests");
  app.add_option("--allow-grpc", options->allow_grpc, "Serve gRPC");
  app.add_option("--grpc-address", options->grpc_address, "Address of the gRPC service");
  app.add_option("--grpc-port", options->grpc_port, "Port of the gRPC service")->check(CLI::Range(0, 65535));
  // tritonserver accepts 2..128; one thread serves best on a small machine (docs/grpc_api.md#threads).
  app.add_option("--grpc-infer-thread-count", options->grpc_infer_thread_count,
                 "Threads serving gRPC calls, each with its own completion queue")
      ->check(CLI::Range(1, 128));
  app.add_option("--grpc-busy-poll-us", options->grpc_busy_poll_us,
                 "After its work, an idle gRPC thread polls for the next call this long before sleeping (0: never)")
      ->check(CLI::Range(0, 10000));
  app.add_option("--grpc-infer-allocation-pool-size", options->grpc_infer_allocation_pool_size,
                 "Accepted for compatibility (inferd allocates per request)")->check(CLI::NonNegativeNumber);
  app.add_option("--grpc-keepalive-time", options->grpc_keepalive_time_ms,
                 "Milliseconds between keepalive pings")->check(CLI::PositiveNumber);
  app.add_option("--grpc-keepalive-timeout", options->grpc_keepalive_timeout_ms,
                 "Milliseconds to wait for a keepalive acknowledgement")->check(CLI::PositiveNumber);
  app.add_option("--grpc-keepalive-permit-without-calls", options->grpc_keepalive_permit_without_calls,
                 "Allow keepalive pings when no call is open");
  app.add_option("--grpc-http2-max-pings-without-data", options->grpc_http2_max_pings_without_data,
                 "Pings allowed without data (0 = unlimited)")->check(CLI::NonNegativeNumber);
  app.add_option("--grpc-http2-min-recv-ping-interval-without-data",
                 options->grpc_http2_min_recv_ping_interval_without_data_ms,
                 "Minimum milliseconds between received pings without data")->check(CLI::NonNegativeNumber);
  app.add_option("--grpc-http2-max-ping-strikes", options->grpc_http2_max_ping_strikes,
                 "Bad pings tolerated before closing (0 = unlimited)")->check(CLI::NonNegativeNumber);
  app.add_option("--grpc-restricted-protocol", grpc_restrictions,
                 "<category>[,<category>...]:<key>=<value> (repeatable): those methods need the metadata key")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--grpc-infer-response-compression-level", options->grpc_infer_response_compression_level,
                 "Compression of inference responses for clients that accept it: none, low, medium or high")
      ->transform(CLI::IsMember({"none", "low", "medium", "high"}, CLI::ignore_case));
  app.add_option("--grpc-header-forward-pattern", grpc_forward_pattern,
                 "Call metadata whose key matches this regular expression becomes string parameters of "
                 "inference requests");
  app.add_option("--allow-metrics", options->allow_metrics, "Serve Prometheus metrics");
  app.add_option("--metrics-address", options->metrics_address,
                 "Address of the metrics service (default: the HTTP address)");
  app.add_option("--metrics-port", options->metrics_port, "Port of the metrics service")->check(CLI::Range(0, 65535));
  app.add_option("--metrics-interval-ms", options->metrics_interval_ms,
                 "Milliseconds between refreshes of the CPU and memory metrics")->check(CLI::PositiveNumber);
  app.add_option("--allow-cpu-metrics", options->allow_cpu_metrics, "Export CPU utilization and memory metrics");
  app.add_option("--allow-gpu-metrics", options->allow_gpu_metrics, "Accepted for compatibility (no GPU metrics)");
  app.add_option("--metrics-config", metrics_configs, "<key>=<value> (repeatable): counter_latencies=<bool>")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--model-control-mode", options->model_control_mode, "Model control mode: none, poll or explicit")
      ->transform(CLI::IsMember({"none", "poll", "explicit"}, CLI::ignore_case));
  app.add_option("--load-model", options->load_models,
                 "Model to load at start-up in explicit mode (repeatable; '*' = every model)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--repository-poll-secs", options->repository_poll_secs,
                 "Seconds between polls of the model repositories in poll mode")->check(CLI::NonNegativeNumber);
  app.add_option("--allow-client-shm", options->allow_client_shm,
                 "Let clients register system shared memory regions for tensors");
  app.add_option("--backend-directory", options->backend_directory,
                 "Accepted for compatibility (inferd's backends are built in)");
  app.add_option("--cache-config", options->cache_configs,
                 "Response cache: local,size=<bytes> (for models with response_cache { enable: true })")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--model-config-name", options->model_config_name,
                 "Read configs/<name>.pbtxt instead of config.pbtxt in the model folders that have it");
  app.add_flag("--disable-auto-complete-config", disable_auto_complete,
               "Require a complete config.pbtxt for every model");
  app.add_option("--strict-model-config", strict_model_config, "Deprecated: true disables auto-complete");
  app.add_option("--strict-readiness", options->strict_readiness,
                 "Ready only when every model is ready");
  app.add_option("--exit-on-error", options->exit_on_error, "Exit when a model fails to load at start-up");
  app.add_option("--exit-timeout-secs", options->exit_timeout_secs,
                 "Seconds to wait for requests in flight at shutdown")->check(CLI::NonNegativeNumber);
  app.add_option("--model-load-thread-count", options->model_load_thread_count,
                 "Models loaded in parallel at start-up")->check(CLI::Range(1, 64));
  app.add_option("--log-info", options->log_info, "Write info log lines");
  app.add_option("--log-warning", options->log_warning, "Write warning log lines");
  app.add_option("--log-error", options->log_error, "Write error log lines");
  app.add_option("--log-verbose", options->log_verbose, "Verbose log level (0 = off)")->check(CLI::NonNegativeNumber);
  app.add_option("--log-format", options->log_format, "Log line format: default or ISO8601")
      ->transform(CLI::IsMember({"default", "ISO8601"}, CLI::ignore_case));
  app.add_option("--log-file", options->log_file, "Write the log to this file (appended to) instead of stderr");
  app.add_option("--backend-config", backend_configs, "<backend>,<key>=<value> (repeatable)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  std::vector<std::string> trace_configs, trace_levels;
  std::string trace_file, trace_rate, trace_count, trace_log_frequency;
  app.add_option("--trace-config", trace_configs,
                 "[triton,]<setting>=<value> (repeatable): level, rate, count, mode; triton,file and "
                 "triton,log-frequency")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--trace-file", trace_file, "Deprecated: --trace-config triton,file=<path>");
  app.add_option("--trace-level", trace_levels, "Deprecated: --trace-config level=<level> (repeatable)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--trace-rate", trace_rate, "Deprecated: --trace-config rate=<n>");
  app.add_option("--trace-count", trace_count, "Deprecated: --trace-config count=<n>");
  app.add_option("--trace-log-frequency", trace_log_frequency, "Deprecated: --trace-config triton,log-frequency=<n>");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return ParseOutcome::kExitSuccess;
  } catch (const CLI::ParseError& e) {
    std::string message = e.what();
    std::replace(message.begin(), message.end(), '\n', ' ');
    std::cerr << "inferd: error: " << message << " (see --help)" << std::endl;
    return ParseOutcome::kExitFailure;
  }
  for (const auto& [flag, specs, restrictions] :
       {std::tuple("--http-restricted-api", &http_restrictions, &options->http_restricted_api),
        std::tuple("--grpc-restricted-protocol", &grpc_restrictions, &options->grpc_restricted_protocol)}) {
    for (const std::string& spec : *specs) {
      Status added = restrictions->Add(flag, spec);
      if (!added.ok()) {
        std::cerr << "inferd: error: " << added.message() << std::endl;
        return ParseOutcome::kExitFailure;
      }
    }
  }
  for (const auto& [flag, pattern, ignore_case, forwarding] :
       {std::tuple("--http-header-forward-pattern", &http_forward_pattern, true, &options->http_header_forwarding),
        std::tuple("--grpc-header-forward-pattern", &grpc_forward_pattern, false, &options->grpc_header_forwarding)}) {
    Status created = HeaderForwarding::Create(flag, *pattern, ignore_case, forwarding);
    if (!created.ok()) {
      std::cerr << "inferd: error: " << created.message() << std::endl;
      return ParseOutcome::kExitFailure;
    }
  }
  if (options->model_config_name.find_first_of(" \t\n/") != std::string::npos) {
    std::cerr << "inferd: error: --model-config-name '" << options->model_config_name
              << "' must be a file name without spaces or '/'" << std::endl;
    return ParseOutcome::kExitFailure;
  }
  for (const auto& text : backend_configs) {
    std::string error;
    if (!AddBackendConfig(text, options, &error)) {
      std::cerr << "inferd: error: " << error << std::endl;
      return ParseOutcome::kExitFailure;
    }
  }
  if (!options->load_models.empty() && options->model_control_mode != "explicit") {
    std::cerr << "inferd: error: --load-model is only allowed with --model-control-mode=explicit" << std::endl;
    return ParseOutcome::kExitFailure;
  }
  bool all = std::find(options->load_models.begin(), options->load_models.end(), "*") != options->load_models.end();
  if (all && options->load_models.size() > 1) {
    std::cerr << "inferd: error: --load-model=* loads every model and must be the only --load-model" << std::endl;
    return ParseOutcome::kExitFailure;
  }
  for (const auto& text : metrics_configs) {
    std::string error;
    if (!AddMetricsConfig(text, options, &error)) {
      std::cerr << "inferd: error: " << error << std::endl;
      return ParseOutcome::kExitFailure;
    }
  }
  // The older flags first, so that --trace-config has the last word.
  std::vector<std::string> trace_arguments;
  if (!trace_file.empty()) trace_arguments.push_back("triton,file=" + trace_file);
  for (const std::string& level : trace_levels) trace_arguments.push_back("level=" + level);
  if (!trace_rate.empty()) trace_arguments.push_back("rate=" + trace_rate);
  if (!trace_count.empty()) trace_arguments.push_back("count=" + trace_count);
  if (!trace_log_frequency.empty()) trace_arguments.push_back("triton,log-frequency=" + trace_log_frequency);
  trace_arguments.insert(trace_arguments.end(), trace_configs.begin(), trace_configs.end());
  std::vector<std::string> levels;
  for (const std::string& argument : trace_arguments) {
    Status applied = ApplyTraceConfig(argument, &options->trace, &levels);
    if (!applied.ok()) {
      std::cerr << "inferd: error: " << applied.message() << std::endl;
      return ParseOutcome::kExitFailure;
    }
  }
  if (Status parsed = levels.empty() ? Status::Ok() : TraceLevel::Parse(levels, &options->trace.level);
      !parsed.ok()) {
    std::cerr << "inferd: error: --trace-config level: " << parsed.message() << std::endl;
    return ParseOutcome::kExitFailure;
  }
  if (Status cache = ParseCacheConfigs(options->cache_configs, &options->response_cache_bytes); !cache.ok()) {
    std::cerr << "inferd: error: " << cache.message() << std::endl;
    return ParseOutcome::kExitFailure;
  }
  if (options->metrics_address.empty()) options->metrics_address = options->http_address;
  SpreadGlobalBackendConfig(options);
  options->auto_complete = !(disable_auto_complete || strict_model_config);
  return ParseOutcome::kRun;
}

}  // namespace inferd
