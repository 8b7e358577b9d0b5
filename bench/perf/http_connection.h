// HttpConnection: one keep-alive HTTP/1.1 connection, one request at a time,
// with a deadline on every exchange.
//
// Connects on first use and again after the server closed the connection.
// A request that fails on a reused connection before any byte of the
// response arrived is retried once on a fresh one (the server may have
// closed an idle connection). Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "perf/status.h"
#include "perf/tcp_socket.h"

namespace inferd::perf {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

// Steady-clock nanoseconds of the phases of one exchange.
struct HttpExchangeTiming {
  int64_t written_ns = 0;     // the request is written
  int64_t first_byte_ns = 0;  // the response can be read
  int64_t read_ns = 0;        // the response is read
};

class HttpConnection {
 public:
  HttpConnection(std::string host, std::string port, SocketSettings settings);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends `method target` with `headers`, Host and Content-Length, and a body
  // made of `body` parts written as they are; reads the whole response.
  Status Exchange(std::string_view method, std::string_view target,
                  const std::vector<std::pair<std::string, std::string>>& headers,
                  const std::vector<std::string_view>& body, HttpResponse* response,
                  HttpExchangeTiming* timing = nullptr);

  // "host:port", for messages.
  std::string Address() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace inferd::perf
