// GrpcChannel: unary gRPC calls over one HTTP/2 connection, one call at a
// time, with a deadline on every call.
//
// HTTP/2 framing, HPACK and flow control are nghttp2's; the socket is the
// load generator's own (perf/tcp_socket.h), so a call costs one write and,
// at small sizes, one blocking read. The client adds to each measured
// request as little as the HTTP/1.1 one does; gRPC's C++ library costs
// several times more per call on this path.
//
// Connects on first use and again after the connection failed or the server
// sent GOAWAY. A call that fails on a reused connection before any byte of
// its answer arrived is retried once on a fresh one. Not thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "perf/http_connection.h"
#include "perf/status.h"

namespace inferd::perf {

// The end of a call the server answered.
struct GrpcReply {
  int status = -1;      // grpc-status: 0 is OK
  std::string message;  // grpc-message, percent-decoded
  std::string body;     // the reply message, serialized; empty unless OK
};

class GrpcChannel {
 public:
  GrpcChannel(std::string host, std::string port, SocketSettings settings);
  ~GrpcChannel();
  GrpcChannel(const GrpcChannel&) = delete;
  GrpcChannel& operator=(const GrpcChannel&) = delete;

  // Calls `path` ("/package.Service/Method") with one serialized request
  // message. An error Status means the call got no gRPC answer (connection,
  // timeout, protocol); a gRPC error status is a reply.
  Status Call(std::string_view path, std::string_view request, GrpcReply* reply,
              HttpExchangeTiming* timing = nullptr);

  // "host:port", for messages.
  std::string Address() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// gRPC's name of a status code ("NOT_FOUND"), or the number.
std::string GrpcCodeName(int code);

}  // namespace inferd::perf
