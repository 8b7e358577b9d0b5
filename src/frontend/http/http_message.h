// The request and reply types the HTTP server hands to its handler, free of
// the socket library so the API code reads as plain data in, data out.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/buffer.h"

namespace inferd {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // target without the query string, still percent-encoded
  // In arrival order, names lower-cased. A request has a handful: a vector
  // costs fewer allocations than a map and is searched as fast.
  std::vector<std::pair<std::string, std::string>> headers;
  std::shared_ptr<const std::string> body;
  uint64_t receive_start_ns = 0;  // steady clock: the request's first bytes were there
  uint64_t receive_end_ns = 0;    // and its last

  // The value of a header (the last one, if it is repeated).
  std::optional<std::string> Header(std::string_view lower_name) const {
    for (auto it = headers.rbegin(); it != headers.rend(); ++it) {
      if (it->first == lower_name) return it->second;
    }
    return std::nullopt;
  }
};

struct HttpReply {
  int status = 200;
  std::string content_type;  // empty: no Content-Type (empty bodies)
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::vector<Buffer> blobs;  // sent after `body`, without copying
  // Let go once the reply is sent (or the connection failed): whatever its
  // destructor does happens then.
  std::shared_ptr<void> on_sent;

  static HttpReply Json(int status, std::string json);
  static HttpReply Error(int status, const std::string& message);  // {"error": message}
  static HttpReply Empty(int status);
};

// Completes a request. Callable from any thread, exactly once.
using HttpReplyFn = std::function<void(HttpReply)>;

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // Must not block: long work finishes later through `reply`.
  virtual void Handle(HttpRequest request, HttpReplyFn reply) = 0;
};

}  // namespace inferd
