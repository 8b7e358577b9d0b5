#include "frontend/http/http_api.h"

#include <charconv>
#include <optional>
#include <vector>

#include "config/config_json.h"
#include "core/model_stats.h"
#include "core/protocol_rules.h"
#include "core/tracer.h"
#include "frontend/http/bounded_json.h"
#include "frontend/http/compression.h"
#include "frontend/http/infer_request_reader.h"
#include "frontend/http/infer_response_writer.h"
#include "frontend/http/logging_json.h"
#include "frontend/http/metadata_json.h"
#include "frontend/http/repository_json.h"
#include "frontend/http/shared_memory_json.h"
#include "frontend/http/stats_json.h"
#include "frontend/http/trace_json.h"

namespace inferd {
namespace {

HttpReply ErrorReply(const Status& status) { return HttpReply::Error(HttpStatusFor(status.code()), status.message()); }

HttpReply MethodNotAllowed() { return HttpReply::Error(405, "Method Not Allowed"); }

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 1;  // skip the leading '/'
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

// Percent-decodes a path segment; false when an escape is malformed.
bool PercentDecode(const std::string& in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out->push_back(in[i]);
      continue;
    }
    unsigned value = 0;
    if (i + 2 >= in.size()) return false;
    auto [end, err] = std::from_chars(in.data() + i + 1, in.data() + i + 3, value, 16);
    if (err != std::errc() || end != in.data() + i + 3) return false;
    out->push_back(static_cast<char>(value));
    i += 2;
  }
  return true;
}

// Categories Triton serves that this build does not yet.
HttpReply NotYetSupported(const std::string& what) { return ErrorReply(ExtensionNotSupported(what)); }

HttpReply StatisticsReply(const Server& server, const std::string& model, int64_t version) {
  std::vector<ModelStatsEntry> entries;
  Status status = server.Statistics(model, version, &entries);
  if (!status.ok()) return ErrorReply(status);
  return HttpReply::Json(200, StatisticsJson(entries));
}

}  // namespace

void HttpApi::Handle(HttpRequest request, HttpReplyFn reply) {
  const std::string& method = request.method;
  const std::string& path = request.path;
  auto only = [&](const char* allowed) { return method == allowed; };

  if (path == "/v2") {
    if (Refused(request, ApiCategory::kMetadata, reply)) return;
    return reply(only("GET") ? HttpReply::Json(200, ServerMetadataJson(*server_)) : MethodNotAllowed());
  }
  if (path == "/v2/health/live" || path == "/v2/health/ready") {
    if (Refused(request, ApiCategory::kHealth, reply)) return;
    if (!only("GET")) return reply(MethodNotAllowed());
    if (server_->exiting()) return reply(HttpReply::Error(503, "Server is exiting"));
    bool ok = path == "/v2/health/live" ? server_->IsLive() : server_->IsReady();
    return reply(HttpReply::Empty(ok ? 200 : 400));
  }
  std::vector<std::string> parts = SplitPath(path);
  if (parts.size() >= 2 && parts[0] == "v2" && parts[1] == "models") {
    if (parts.size() == 3 && parts[2] == "stats") {
      if (Refused(request, ApiCategory::kStatistics, reply)) return;
      return reply(only("GET") ? StatisticsReply(*server_, "", -1) : MethodNotAllowed());
    }
    if (parts.size() < 3 || parts[2].empty()) return reply(HttpReply::Error(404, "Not Found"));
    std::string model;
    if (!PercentDecode(parts[2], &model)) return reply(HttpReply::Error(404, "Not Found"));
    size_t next = 3;
    int64_t version = -1;
    if (parts.size() >= 5 && parts[3] == "versions") {
      // A version segment that is not a number does not match the route.
      if (parts[4].empty() || !ParseModelVersion(parts[4], &version).ok()) {
        return reply(HttpReply::Error(404, "Not Found"));
      }
      next = 5;
    }
    std::string action;
    for (size_t i = next; i < parts.size(); ++i) action += (i > next ? "/" : "") + parts[i];
    return HandleModel(request, model, version, action, std::move(reply));
  }
  if (parts.size() >= 2 && parts[0] == "v2") {
    const std::string& area = parts[1];
    if (area == "repository") return HandleRepository(request, parts, std::move(reply));
    if (area == "systemsharedmemory" || area == "cudasharedmemory") {
      if (Refused(request, ApiCategory::kSharedMemory, reply)) return;
      if (area == "systemsharedmemory") return HandleSystemSharedMemory(request, parts, std::move(reply));
      return reply(ErrorReply(CudaSharedMemoryNotSupported()));
    }
    if (area == "trace" && parts.size() == 3 && parts[2] == "setting") {
      if (Refused(request, ApiCategory::kTrace, reply)) return;
      return HandleTraceSettings(request, "", std::move(reply));
    }
    if (area == "logging" && parts.size() == 2) {
      if (Refused(request, ApiCategory::kLogging, reply)) return;
      return HandleLogging(request, std::move(reply));
    }
  }
  reply(HttpReply::Error(404, "Not Found"));
}

bool HttpApi::Refused(const HttpRequest& request, ApiCategory category, HttpReplyFn& reply) const {
  const ApiRestriction* restriction = options_.restrictions.For(category);
  if (!restriction) return false;
  std::optional<std::string> sent = request.Header(restriction->lower_header);
  if (sent && *sent == restriction->value) return false;
  reply(HttpReply::Error(403, "This API is restricted, expecting header '" + restriction->header + "'"));
  return true;
}

void HttpApi::HandleLogging(const HttpRequest& request, HttpReplyFn reply) {
  if (request.method == "POST") {
    LogSettingsChange change;
    Status status = ReadLogSettingsJson(*request.body, &change);
    if (status.ok()) status = ApplyLogSettingsChange(change);
    if (!status.ok()) return reply(ErrorReply(status));
  } else if (request.method != "GET") {
    return reply(MethodNotAllowed());
  }
  reply(HttpReply::Json(200, LogSettingsJson(CurrentLogSettings())));
}

void HttpApi::HandleTraceSettings(const HttpRequest& request, const std::string& model, HttpReplyFn reply) {
  if (!model.empty()) {
    Status target = server_->CheckTraceModel(model);
    if (!target.ok()) return reply(ErrorReply(target));
  }
  if (request.method == "POST") {
    TraceSettingsChange change;
    Status status = ReadTraceSettingsJson(*request.body, !model.empty(), &change);
    if (!status.ok()) return reply(ErrorReply(status));
    server_->tracer().Update(model, change);
  } else if (request.method != "GET") {
    return reply(MethodNotAllowed());
  }
  reply(HttpReply::Json(200, TraceSettingsJson(server_->tracer().Settings(model))));
}

void HttpApi::HandleSystemSharedMemory(const HttpRequest& request, const std::vector<std::string>& parts,
                                       HttpReplyFn reply) {
  // /v2/systemsharedmemory[/region/<r>]/(status|register|unregister)
  std::string region;
  if (parts.size() == 5 && parts[2] == "region") {
    if (!PercentDecode(parts[3], &region)) return reply(HttpReply::Error(404, "Not Found"));
  } else if (parts.size() != 3) {
    return reply(HttpReply::Error(404, "Not Found"));
  }
  const std::string& action = parts.back();
  SharedMemoryRegistry& registry = server_->shared_memory();
  if (action == "status") {
    if (request.method != "GET" && request.method != "POST") return reply(MethodNotAllowed());
    std::vector<SharedMemoryRegionInfo> regions;
    Status status = registry.List(region, &regions);
    return reply(status.ok() ? HttpReply::Json(200, SharedMemoryStatusJson(regions)) : ErrorReply(status));
  }
  if (action != "register" && action != "unregister") return reply(HttpReply::Error(404, "Not Found"));
  if (request.method != "POST") return reply(MethodNotAllowed());
  if (action == "unregister") {
    Status status = registry.Unregister(region);
    return reply(status.ok() ? HttpReply::Empty(200) : ErrorReply(status));
  }
  if (region.empty()) {
    return reply(HttpReply::Error(400, "registering a shared memory region needs its name in the path: "
                                       "/v2/systemsharedmemory/region/<name>/register"));
  }
  std::string key;
  uint64_t offset = 0, byte_size = 0;
  Status status = ReadSharedMemoryRegisterJson(*request.body, &key, &offset, &byte_size);
  if (status.ok()) status = registry.Register(region, key, offset, byte_size);
  reply(status.ok() ? HttpReply::Empty(200) : ErrorReply(status));
}

void HttpApi::HandleRepository(const HttpRequest& request, const std::vector<std::string>& parts,
                               HttpReplyFn reply) {
  // /v2/repository[/<repo>]/index and /v2/repository[/<repo>]/models/<m>/(load|unload)
  bool index = (parts.size() == 3 && parts[2] == "index") || (parts.size() == 4 && parts[3] == "index");
  bool control = (parts.size() == 5 && parts[2] == "models") || (parts.size() == 6 && parts[3] == "models");
  if (!index && !control) return reply(HttpReply::Error(404, "Not Found"));
  if (Refused(request, ApiCategory::kModelRepository, reply)) return;
  if (request.method != "POST") return reply(MethodNotAllowed());
  if (control) {
    const std::string& action = parts.back();
    if (action != "load" && action != "unload") return reply(HttpReply::Error(404, "Not Found"));
    if (parts.size() == 6) {
      return reply(HttpReply::Error(501, "'repository_name' specification is not supported"));
    }
    return HandleModelControl(request, parts[3], action, std::move(reply));
  }
  bool ready_only = false;
  if (!request.body->empty()) {
    rapidjson::Document document;
    Status status = ParseBoundedJson(*request.body, &document);
    if (!status.ok()) return reply(ErrorReply(status));
    if (!document.IsObject()) return reply(HttpReply::Error(400, "the index request must be a JSON object"));
    auto ready = document.FindMember("ready");
    if (ready != document.MemberEnd()) {
      if (!ready->value.IsBool()) return reply(HttpReply::Error(400, "'ready' must be a boolean"));
      ready_only = ready->value.GetBool();
    }
  }
  reply(HttpReply::Json(200, RepositoryIndexJson(server_->RepositoryIndex(), ready_only)));
}

void HttpApi::HandleModelControl(const HttpRequest& request, const std::string& encoded_model,
                                 const std::string& action, HttpReplyFn reply) {
  if (server_->model_control_mode() != ModelControlMode::kExplicit) return reply(ErrorReply(ModelControlNotAllowed()));
  std::string model;
  if (!PercentDecode(encoded_model, &model)) return reply(HttpReply::Error(404, "Not Found"));
  auto answer = [reply = std::move(reply)](Status status) {
    reply(status.ok() ? HttpReply::Empty(200) : ErrorReply(status));
  };
  if (action == "load") {
    ModelLoadOverrides overrides;
    Status status = ReadLoadRequestJson(*request.body, &overrides);
    if (!status.ok()) return answer(status);
    return server_->LoadModelAsync(std::move(model), std::move(overrides), std::move(answer));
  }
  bool unload_dependents = false;
  Status status = ReadUnloadRequestJson(*request.body, &unload_dependents);
  if (!status.ok()) return answer(status);
  server_->UnloadModelAsync(std::move(model), unload_dependents, std::move(answer));
}

void HttpApi::HandleModel(const HttpRequest& request, const std::string& model_name, int64_t version,
                          const std::string& action, HttpReplyFn reply) {
  const std::string& method = request.method;
  if (action == "infer") {
    if (Refused(request, ApiCategory::kInference, reply)) return;
    if (method != "POST") return reply(MethodNotAllowed());
    return HandleInfer(request, model_name, version, std::move(reply));
  }
  if (action == "stats") {
    if (Refused(request, ApiCategory::kStatistics, reply)) return;
    return reply(method == "GET" ? StatisticsReply(*server_, model_name, version) : MethodNotAllowed());
  }
  if (action == "trace/setting") {
    if (version != -1) return reply(HttpReply::Error(404, "Not Found"));  // no versioned trace path
    if (Refused(request, ApiCategory::kTrace, reply)) return;
    return HandleTraceSettings(request, model_name, std::move(reply));
  }
  if (action == "generate" || action == "generate_stream") {
    if (Refused(request, ApiCategory::kInference, reply)) return;
    return reply(NotYetSupported("the generate extension"));
  }
  if (action != "" && action != "ready" && action != "config") return reply(HttpReply::Error(404, "Not Found"));
  ApiCategory category = action == "" ? ApiCategory::kMetadata
                         : action == "ready" ? ApiCategory::kHealth
                                             : ApiCategory::kModelConfig;
  if (Refused(request, category, reply)) return;
  if (method != "GET") return reply(MethodNotAllowed());

  std::shared_ptr<ModelVersion> model;
  Status status = server_->GetModel(model_name, version, &model);
  if (action == "ready") {
    if (status.ok()) return reply(model->Ready() ? HttpReply::Empty(200) : HttpReply::Error(400, "Model version not ready"));
    if (status.code() == StatusCode::kUnavailable) return reply(HttpReply::Error(400, "Model version not ready"));
    return reply(ErrorReply(status));
  }
  if (!status.ok()) return reply(ErrorReply(status));
  if (action == "config") return reply(HttpReply::Json(200, ModelConfigToJson(model->config())));
  std::vector<int64_t> versions = version >= 0 ? std::vector<int64_t>{version} : server_->ReadyVersions(model_name);
  reply(HttpReply::Json(200, ModelMetadataJson(model->config(), versions)));
}

void HttpApi::HandleInfer(const HttpRequest& request, const std::string& model_name, int64_t version,
                          HttpReplyFn reply) {
  std::shared_ptr<ModelVersion> model;
  Status status = server_->GetModel(model_name, version, &model);
  if (!status.ok()) return reply(ErrorReply(status));
  if (model->config().model_transaction_policy().decoupled()) {
    return reply(ErrorReply(
        Status::Unsupported("HTTP end point doesn't support models with decoupled transaction policy")));
  }

  Encoding content_encoding;
  status = ParseContentEncoding(request.Header("content-encoding").value_or(""), &content_encoding);
  if (!status.ok()) {
    HttpReply error = ErrorReply(status);
    error.headers.emplace_back("Accept-Encoding", "gzip, deflate");
    return reply(std::move(error));
  }
  std::shared_ptr<const std::string> body = request.body;
  if (content_encoding != Encoding::kIdentity) {
    auto inflated = std::make_shared<std::string>();
    status = Decompress(content_encoding, *request.body, options_.max_input_size, inflated.get());
    if (!status.ok()) return reply(ErrorReply(status));
    body = std::move(inflated);
  }

  std::optional<size_t> header_length;
  if (auto value = request.Header("inference-header-content-length")) {
    size_t length = 0;
    auto [end, err] = std::from_chars(value->data(), value->data() + value->size(), length);
    if (value->empty() || err != std::errc() || end != value->data() + value->size() || length > body->size()) {
      return reply(HttpReply::Error(
          400, "Inference-Header-Content-Length must be an integer between 0 and the body length (" +
                   std::to_string(body->size()) + "), got '" + *value + "'"));
    }
    header_length = length;
  }

  HttpInferRequest parsed;
  status = ReadHttpInferRequest(body, header_length, model->config(), server_->shared_memory(), &parsed);
  if (!status.ok()) return reply(ErrorReply(status));
  parsed.request->model_name = model_name;
  parsed.request->model_version = model->version();
  parsed.request->received_start = {"HTTP_RECV_START", request.receive_start_ns};
  parsed.request->received_end = {"HTTP_RECV_END", request.receive_end_ns};
  if (options_.header_forwarding.enabled()) {
    for (const auto& [name, value] : request.headers) {
      status = options_.header_forwarding.Forward(name, value, parsed.request.get());
      if (!status.ok()) return reply(ErrorReply(status));
    }
  }

  Encoding response_encoding = NegotiateResponseEncoding(request.Header("accept-encoding").value_or(""));
  server_->Infer(std::move(model), std::move(parsed.request),
                 [encoding = std::move(parsed.output_encoding), response_encoding, reply = std::move(reply)](
                     Status status, std::unique_ptr<InferenceResponse> response) {
                   if (!status.ok()) return reply(ErrorReply(status));
                   std::shared_ptr<RequestTrace> trace = std::move(response->trace);
                   HttpInferResponse body;
                   status = WriteHttpInferResponse(*response, encoding, &body);
                   if (!status.ok()) return reply(ErrorReply(status));
                   HttpReply out;
                   out.status = 200;
                   if (body.blob_bytes > 0) {
                     out.content_type = "application/octet-stream";
                     out.headers.emplace_back("Inference-Header-Content-Length", std::to_string(body.json.size()));
                   } else {
                     out.content_type = "application/json";
                   }
                   out.body = std::move(body.json);
                   out.blobs = std::move(body.blobs);
                   if (response_encoding != Encoding::kIdentity) {
                     std::string whole = out.body;
                     for (const auto& blob : out.blobs) whole.append(blob.data(), blob.size());
                     std::string compressed;
                     if (Compress(response_encoding, whole, &compressed)) {
                       out.body = std::move(compressed);
                       out.blobs.clear();
                       out.headers.emplace_back("Content-Encoding", EncodingName(response_encoding));
                     }
                   }
                   out.on_sent = TraceSending(std::move(trace), "HTTP_SEND_START", "HTTP_SEND_END");
                   reply(std::move(out));
                 });
}

}  // namespace inferd
