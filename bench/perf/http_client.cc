#include "perf/http_client.h"

#include "perf/clock.h"
#include "perf/http_connection.h"
#include "perf/http_infer_body.h"
#include "perf/kserve_json.h"
#include "perf/tensor_encoding.h"

namespace inferd::perf {
namespace {

std::string PercentEncode(const std::string& segment) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : segment) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

// "/v2/models/<m>[/versions/<v>]"
std::string ModelPath(const ClientOptions& options) {
  std::string path = "/v2/models/" + PercentEncode(options.model);
  if (!options.version.empty()) path += "/versions/" + PercentEncode(options.version);
  return path;
}

class HttpInferClient : public InferClient {
 public:
  explicit HttpInferClient(const ClientOptions& options)
      : options_(options),
        connection_(options.host, options.port, options.socket),
        target_(ModelPath(options) + "/infer") {}

  Status Infer(const InferPayload& payload, RequestTiming* timing) override {
    timing->start_ns = NowNs();
    Status status = BuildHttpInferBody(payload, options_.json_inputs, options_.json_outputs, shared_outputs_, &body_);
    if (!status.ok()) {
      timing->end_ns = NowNs();
      return status;
    }
    parts_.clear();
    parts_.push_back(body_.json);
    parts_.insert(parts_.end(), body_.blobs.begin(), body_.blobs.end());
    headers_.clear();
    headers_.emplace_back("Content-Type", body_.blobs.empty() ? "application/json" : "application/octet-stream");
    headers_.emplace_back("Inference-Header-Content-Length", std::to_string(body_.json.size()));
    HttpExchangeTiming exchange;
    status = connection_.Exchange("POST", target_, headers_, parts_, &response_, &exchange);
    if (status.ok()) status = CheckHttpInferResponse(response_, !shared_outputs_.empty());
    timing->end_ns = NowNs();
    timing->send_ns = exchange.written_ns ? exchange.written_ns - timing->start_ns : 0;
    timing->recv_ns = exchange.first_byte_ns ? timing->end_ns - exchange.first_byte_ns : 0;
    return status;
  }

  void UseSharedMemoryOutputs(std::vector<SharedMemoryOutput> outputs) override {
    shared_outputs_ = std::move(outputs);
  }

 private:
  const ClientOptions options_;
  HttpConnection connection_;
  const std::string target_;
  std::vector<SharedMemoryOutput> shared_outputs_;
  // Kept between requests so their memory is reused.
  HttpInferBody body_;
  std::vector<std::string_view> parts_;
  std::vector<std::pair<std::string, std::string>> headers_;
  HttpResponse response_;
};

class HttpServerClient : public ServerClient {
 public:
  explicit HttpServerClient(const ClientOptions& options)
      : options_(options), connection_(options.host, options.port, options.socket) {}

  Status ServerExtensions(std::vector<std::string>* extensions) override {
    HttpResponse response;
    Status status = Get("/v2", "server metadata", &response);
    if (status.ok()) status = ParseServerExtensions(response.body, extensions);
    return status;
  }

  Status GetModelInfo(ModelInfo* model) override {
    HttpResponse config, metadata;
    Status status = Get(ModelPath(options_) + "/config", "the configuration of model '" + options_.model + "'",
                        &config);
    if (status.ok()) status = Get(ModelPath(options_), "the metadata of model '" + options_.model + "'", &metadata);
    if (!status.ok()) return status;
    model->name = options_.model;
    model->version = options_.version;
    status = ParseMaxBatchSize(config.body, &model->max_batch_size);
    if (status.ok()) status = ParseModelMetadata(metadata.body, model->max_batch_size, model);
    return status;
  }

  Status GetModelStats(ModelStatsSnapshot* snapshot) override {
    HttpResponse response;
    Status status = Get(ModelPath(options_) + "/stats", "the statistics of model '" + options_.model + "'", &response);
    if (status.ok()) status = ParseStatsJson(response.body, options_.model, options_.version, snapshot);
    return status;
  }

  std::unique_ptr<InferClient> NewInferClient() override { return std::make_unique<HttpInferClient>(options_); }

  Status RegisterSystemSharedMemory(const std::string& name, const std::string& key, size_t byte_size) override {
    std::string body = "{\"key\":";
    AppendJsonString(key, &body);
    body.append(",\"offset\":0,\"byte_size\":").append(std::to_string(byte_size)).append("}");
    return Post(RegionPath(name) + "/register", body, "register shared memory region '" + name + "'");
  }

  Status UnregisterSystemSharedMemory(const std::string& name) override {
    return Post(RegionPath(name) + "/unregister", "", "unregister shared memory region '" + name + "'");
  }

 private:
  static std::string RegionPath(const std::string& name) {
    return "/v2/systemsharedmemory/region/" + PercentEncode(name);
  }

  Status Post(const std::string& target, const std::string& body, const std::string& what) {
    HttpResponse response;
    return Call("POST", target, body, what, &response);
  }

  Status Get(const std::string& target, const std::string& what, HttpResponse* response) {
    return Call("GET", target, "", "get " + what, response);
  }

  // One control call with a JSON body (none when empty); any answer but 200
  // is an error saying "cannot <what>".
  Status Call(std::string_view method, const std::string& target, const std::string& body, const std::string& what,
              HttpResponse* response) {
    std::vector<std::pair<std::string, std::string>> headers;
    std::vector<std::string_view> parts;
    if (!body.empty()) {
      headers.emplace_back("Content-Type", "application/json");
      parts.push_back(body);
    }
    Status status = connection_.Exchange(method, target, headers, parts, response);
    if (!status.ok()) return status;
    if (response->status != 200) return Status::Error("cannot " + what + ": " + HttpErrorText(*response));
    return Status::Ok();
  }

  const ClientOptions options_;
  HttpConnection connection_;
};

}  // namespace

std::unique_ptr<ServerClient> MakeHttpServerClient(const ClientOptions& options) {
  return std::make_unique<HttpServerClient>(options);
}

}  // namespace inferd::perf
