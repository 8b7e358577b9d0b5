// HttpServer: HTTP/1.1 with keep-alive on a pool of threads, each with its own
// event loop and connections.
//
// Reads each request with bounded header and body sizes (chunked bodies
// included), hands it to the HttpHandler and writes the reply when the
// handler calls back, possibly from another thread. One request at a time per
// connection; many connections at once. Nothing here blocks on inference.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "core/status.h"
#include "frontend/busy_polling.h"
#include "frontend/http/http_message.h"

namespace inferd {

struct HttpServerOptions {
  std::string name = "HTTP";  // the service, as error messages name it
  std::string address = "0.0.0.0";
  int port = 8000;
  int threads = 8;
  int busy_poll_us = 0;  // see frontend/busy_polling.h
  BusyPolling* polling = nullptr;  // shared with the server's other frontends; null: one of its own
  size_t max_body_size = 64 * 1024 * 1024;  // --http-max-input-size
  size_t max_header_size = 64 * 1024;
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler* handler);
  ~HttpServer();

  // Binds and starts serving; fails when the address cannot be bound.
  Status Start();
  // Stops accepting and closes every connection; waits for the threads.
  void Stop();

  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace inferd
