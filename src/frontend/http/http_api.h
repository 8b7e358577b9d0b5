// HttpApi: the KServe v2 REST endpoints with Triton's extensions
// (the KServe v2 HTTP protocol). Routes a request by path and method and translates between
// HTTP and the core API; knows nothing of models beyond what Server answers.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "core/server.h"
#include "frontend/api_restrictions.h"
#include "frontend/header_forwarding.h"
#include "frontend/http/http_message.h"

namespace inferd {

struct HttpApiOptions {
  size_t max_input_size = 64 * 1024 * 1024;  // --http-max-input-size
  ApiRestrictions restrictions;              // --http-restricted-api
  HeaderForwarding header_forwarding;        // --http-header-forward-pattern
};

class HttpApi : public HttpHandler {
 public:
  HttpApi(Server* server, HttpApiOptions options) : server_(server), options_(std::move(options)) {}

  void Handle(HttpRequest request, HttpReplyFn reply) override;

 private:
  // Endpoints under /v2/models/<model>[/versions/<version>]; `action` is the
  // rest of the path ("", "ready", "config", "infer", ...).
  void HandleModel(const HttpRequest& request, const std::string& model, int64_t version,
                   const std::string& action, HttpReplyFn reply);
  void HandleRepository(const HttpRequest& request, const std::vector<std::string>& parts, HttpReplyFn reply);
  // GET and POST /v2/logging: the log settings, read and changed.
  // GET/POST /v2[/models/<model>]/trace/setting; `model` "" for the global settings.
  void HandleTraceSettings(const HttpRequest& request, const std::string& model, HttpReplyFn reply);
  void HandleLogging(const HttpRequest& request, HttpReplyFn reply);
  // /v2/systemsharedmemory[/region/<name>]/(status|register|unregister)
  void HandleSystemSharedMemory(const HttpRequest& request, const std::vector<std::string>& parts,
                                HttpReplyFn reply);
  // POST /v2/repository/models/<model>/(load|unload); `action` is which.
  void HandleModelControl(const HttpRequest& request, const std::string& encoded_model, const std::string& action,
                          HttpReplyFn reply);
  void HandleInfer(const HttpRequest& request, const std::string& model, int64_t version, HttpReplyFn reply);
  // Answers 403 when `category` is restricted and the request lacks its
  // header or value (--http-restricted-api); true when it answered.
  bool Refused(const HttpRequest& request, ApiCategory category, HttpReplyFn& reply) const;

  Server* server_;
  HttpApiOptions options_;
};

}  // namespace inferd
