#include "frontend/metrics/metrics_service.h"

#include "frontend/metrics/custom_metrics_text.h"

namespace inferd {
namespace {

HttpServerOptions HttpOptionsOf(const MetricsServiceOptions& options) {
  HttpServerOptions http;
  http.name = "metrics";
  http.address = options.address;
  http.port = options.port;
  http.threads = 1;
  http.max_body_size = 64 * 1024;
  return http;
}

}  // namespace

std::set<std::string> BuiltinMetricNames() {
  std::set<std::string> names = ModelMetricNames();
  names.merge(SystemMetricNames());
  return names;
}

MetricsService::MetricsService(MetricsServiceOptions options, const Server* server,
                               const CustomMetricRegistry* custom)
    : options_(std::move(options)),
      server_(server),
      custom_(custom),
      sampler_(options_.interval),
      http_(HttpOptionsOf(options_), this) {}

MetricsService::~MetricsService() { Stop(); }

Status MetricsService::Start() {
  if (options_.cpu_metrics) sampler_.Start();
  return http_.Start();
}

void MetricsService::Stop() {
  http_.Stop();
  sampler_.Stop();
}

std::string MetricsService::Render() const {
  std::vector<ModelStatsEntry> entries;
  (void)server_->Statistics("", -1, &entries);
  std::vector<ModelMetricsRow> rows;
  rows.reserve(entries.size());
  for (auto& entry : entries) {
    ModelMetricsRow row{entry.name, entry.version, {}, std::move(entry.stats)};
    std::shared_ptr<ModelVersion> model;
    if (server_->GetModel(entry.name, entry.version, &model).ok()) {
      for (const auto& [key, value] : model->config().metric_tags()) row.tags[key] = value;
      row.cached = server_->CachesResponses(model->config());
    }
    rows.push_back(std::move(row));
  }
  PrometheusText text;
  RenderModelMetrics(rows, options_.model, &text);
  if (options_.cpu_metrics) RenderSystemMetrics(sampler_.Latest(), &text);
  if (custom_) RenderCustomMetrics(custom_->Snapshot(), &text);
  return text.Take();
}

void MetricsService::Handle(HttpRequest request, HttpReplyFn reply) {
  if (request.method != "GET") return reply(HttpReply::Error(405, "Method Not Allowed"));
  if (request.path != "/metrics" && request.path != "/metrics/") return reply(HttpReply::Empty(200));
  HttpReply answer;
  answer.status = 200;
  answer.content_type = "text/plain; charset=utf-8";
  answer.body = Render();
  reply(std::move(answer));
}

}  // namespace inferd
