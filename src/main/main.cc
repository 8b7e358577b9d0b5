// inferd: serves Triton model repositories over KServe v2 HTTP/REST.
// Wires the parts together: options, backends, models, server, frontends.

#include <signal.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <thread>

#include "backends/backend_registry.h"
#include "core/custom_metrics.h"
#include "core/logging.h"
#include "core/server.h"
#include "frontend/busy_polling.h"
#include "frontend/grpc/grpc_server.h"
#include "frontend/http/http_api.h"
#include "frontend/http/http_server.h"
#include "frontend/metrics/metrics_service.h"
#include "main/model_table.h"
#include "main/options.h"
#include "repository/model_manager.h"
#include "repository/repository_poller.h"

namespace {

using namespace inferd;

void ApplyLogOptions(const Options& options) {
  LogSettings& log = GlobalLogSettings();
  log.info = options.log_info;
  log.warning = options.log_warning;
  log.error = options.log_error;
  log.verbose_level = options.log_verbose;
  log.iso8601 = options.log_format == "ISO8601";
}

// Blocks SIGINT and SIGTERM in every thread, so the main thread can wait for them.
sigset_t BlockShutdownSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

ModelControlMode ModelControlModeNamed(const std::string& name) {
  if (name == "explicit") return ModelControlMode::kExplicit;
  if (name == "poll") return ModelControlMode::kPoll;
  return ModelControlMode::kNone;
}

int Run(const Options& options) {
  if (!options.log_file.empty() && !SetLogFile(options.log_file)) {
    std::cerr << "inferd: error: cannot open --log-file '" << options.log_file << "': " << std::strerror(errno)
              << std::endl;
    return 1;
  }
  ApplyLogOptions(options);
  sigset_t signals = BlockShutdownSignals();
  LOG_INFO << "inferd " << kInferdVersion << " starting";
  if (!options.backend_directory.empty()) {
    LOG_WARNING << "--backend-directory is ignored: inferd's backends (onnxruntime, pytorch, python) are built in";
  }
  if (options.response_cache_bytes > 0) {
    LOG_INFO << "response cache: local, " << options.response_cache_bytes << " bytes";
  }

  CustomMetricRegistry custom_metrics(BuiltinMetricNames());
  BackendRegistry backends(options.backend_config);
  backends.RegisterBuiltinBackends();
  backends.services().custom_metrics = &custom_metrics;
  ModelManagerOptions manager_options;
  manager_options.repositories = options.model_repositories;
  manager_options.config.auto_complete = options.auto_complete;
  manager_options.config.config_name = options.model_config_name;
  manager_options.load_threads = options.model_load_thread_count;
  manager_options.services = &backends.services();
  ModelManager models(manager_options, &backends);
  ModelControlMode control = ModelControlModeNamed(options.model_control_mode);
  Status loaded = control == ModelControlMode::kExplicit ? models.LoadModels(options.load_models) : models.LoadAll();
  std::cerr << FormatModelTable(models.Index()) << std::flush;
  if (!loaded.ok()) {
    LOG_ERROR << loaded.message();
    if (options.exit_on_error) {
      LOG_ERROR << "exiting: not every model loaded (start with --exit-on-error=false to serve the others)";
      return 1;
    }
  }

  ServerOptions server_options;
  server_options.id = options.id;
  server_options.strict_readiness = options.strict_readiness;
  server_options.model_control_mode = control;
  server_options.allow_client_shm = options.allow_client_shm;
  server_options.trace = options.trace;
  server_options.response_cache_bytes = options.response_cache_bytes;
  Server server(server_options, &models);
  backends.services().infer = [&server](std::unique_ptr<InferenceRequest> request, StreamCallback done) {
    server.InferStream(std::move(request), std::move(done));
  };
  backends.services().requests_in_flight = [&server] { return server.RequestsInFlight(); };
  backends.services().is_model_ready = [&server](const std::string& name, int64_t version) {
    std::shared_ptr<ModelVersion> model;
    return server.GetModel(name, version, &model).ok() && model->Ready();
  };
  backends.services().load_model = [&server](const std::string& name, const ModelLoadOverrides& overrides) {
    return server.LoadModel(name, overrides);
  };
  backends.services().unload_model = [&server](const std::string& name, bool unload_dependents) {
    return server.UnloadModel(name, unload_dependents);
  };
  std::unique_ptr<RepositoryPoller> poller;
  if (control == ModelControlMode::kPoll && options.repository_poll_secs > 0) {
    poller = std::make_unique<RepositoryPoller>(&models, std::chrono::seconds(options.repository_poll_secs));
  }
  // One polling policy for both frontends: one thread polls at a time, and
  // only while neither frontend is answering a request.
  BusyPolling polling;
  HttpApiOptions api_options;
  api_options.max_input_size = options.http_max_input_size;
  api_options.restrictions = options.http_restricted_api;
  api_options.header_forwarding = options.http_header_forwarding;
  HttpApi api(&server, std::move(api_options));
  HttpServerOptions http_options;
  http_options.address = options.http_address;
  http_options.port = options.http_port;
  http_options.threads = options.http_thread_count;
  http_options.busy_poll_us = options.http_busy_poll_us;
  http_options.polling = &polling;
  http_options.max_body_size = options.http_max_input_size;
  HttpServer http(http_options, &api);
  if (options.allow_http) {
    Status started = http.Start();
    if (!started.ok()) {
      LOG_ERROR << started.message();
      return 1;
    }
    LOG_INFO << "Started HTTPService at " << options.http_address << ":" << http.port();
  }

  GrpcServerOptions grpc_options;
  grpc_options.address = options.grpc_address;
  grpc_options.port = options.grpc_port;
  grpc_options.keepalive_time_ms = options.grpc_keepalive_time_ms;
  grpc_options.keepalive_timeout_ms = options.grpc_keepalive_timeout_ms;
  grpc_options.keepalive_permit_without_calls = options.grpc_keepalive_permit_without_calls;
  grpc_options.http2_max_pings_without_data = options.grpc_http2_max_pings_without_data;
  grpc_options.http2_min_recv_ping_interval_without_data_ms = options.grpc_http2_min_recv_ping_interval_without_data_ms;
  grpc_options.http2_max_ping_strikes = options.grpc_http2_max_ping_strikes;
  grpc_options.threads = options.grpc_infer_thread_count;
  grpc_options.busy_poll_us = options.grpc_busy_poll_us;
  grpc_options.polling = &polling;
  grpc_options.restrictions = options.grpc_restricted_protocol;
  grpc_options.header_forwarding = options.grpc_header_forwarding;
  grpc_options.infer_compression = options.grpc_infer_response_compression_level;
  GrpcServer grpc(grpc_options, &server);
  if (options.allow_grpc) {
    Status started = grpc.Start();
    if (!started.ok()) {
      LOG_ERROR << started.message();
      return 1;
    }
    LOG_INFO << "Started GRPCInferenceService at " << options.grpc_address << ":" << grpc.port();
  }

  MetricsServiceOptions metrics_options;
  metrics_options.address = options.metrics_address;
  metrics_options.port = options.metrics_port;
  metrics_options.interval = std::chrono::milliseconds(options.metrics_interval_ms);
  metrics_options.cpu_metrics = options.allow_cpu_metrics;
  metrics_options.model.counter_latencies = options.metrics_counter_latencies;
  MetricsService metrics(metrics_options, &server, &custom_metrics);
  if (options.allow_metrics) {
    Status started = metrics.Start();
    if (!started.ok()) {
      LOG_ERROR << started.message();
      return 1;
    }
    LOG_INFO << "Started Metrics Service at " << options.metrics_address << ":" << metrics.port();
  }

  int signal = 0;
  sigwait(&signals, &signal);
  LOG_INFO << "received " << (signal == SIGINT ? "SIGINT" : "SIGTERM") << ", shutting down";
  server.SetExiting();
  int64_t left = server.WaitForIdle(std::chrono::seconds(options.exit_timeout_secs));
  if (left > 0) {
    // Requests still running would hold the frontends and the models: leave
    // them, releasing only what outlives the process.
    LOG_ERROR << "Exit timeout expired. Exiting immediately with " << left << " requests still in flight.";
    backends.AbortAll();
    std::_Exit(1);
  }
  http.Stop();
  grpc.Stop();
  metrics.Stop();
  models.UnloadAll();  // runs each model's finalize
  server.tracer().WriteAll();
  LOG_INFO << "inferd stopped";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  switch (ParseOptions(argc, argv, &options)) {
    case ParseOutcome::kExitSuccess: return 0;
    case ParseOutcome::kExitFailure: return 1;
    case ParseOutcome::kRun: break;
  }
  return Run(options);
}
