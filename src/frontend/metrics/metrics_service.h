// MetricsService: the Prometheus endpoint (--allow-metrics, --metrics-port).
//
// `GET /metrics` (or `/metrics/`) answers 200 with every family in the text
// exposition format: the per-model families read live from the server's
// statistics at scrape time, the CPU and memory gauges from a sampler that
// refreshes every --metrics-interval-ms, and the models' custom metrics.
// Any other method is 405 {"error":"Method Not Allowed"}; any other path
// 200 with an empty body, as Triton's metrics port answers.
//
// Runs on its own HttpServer (one thread: a scrape is a short, non-blocking
// read). Start binds the port; Stop (or the destructor) closes it and stops
// the sampler. The server and the registry must outlive the service.
#pragma once

#include <chrono>
#include <memory>
#include <set>
#include <string>

#include "core/custom_metrics.h"
#include "core/server.h"
#include "frontend/http/http_message.h"
#include "frontend/http/http_server.h"
#include "frontend/metrics/model_metrics.h"
#include "frontend/metrics/system_metrics.h"

namespace inferd {

struct MetricsServiceOptions {
  std::string address = "0.0.0.0";
  int port = 8002;
  std::chrono::milliseconds interval{2000};  // --metrics-interval-ms
  bool cpu_metrics = true;                   // --allow-cpu-metrics
  ModelMetricsOptions model;                 // --metrics-config
};

// Names of every metric the server writes itself; custom metrics may not
// take them.
std::set<std::string> BuiltinMetricNames();

class MetricsService : public HttpHandler {
 public:
  MetricsService(MetricsServiceOptions options, const Server* server, const CustomMetricRegistry* custom);
  ~MetricsService() override;

  Status Start();
  void Stop();
  int port() const { return http_.port(); }

  // The body of GET /metrics.
  std::string Render() const;

  void Handle(HttpRequest request, HttpReplyFn reply) override;

 private:
  const MetricsServiceOptions options_;
  const Server* server_;
  const CustomMetricRegistry* custom_;
  SystemSampler sampler_;
  HttpServer http_;
};

}  // namespace inferd
