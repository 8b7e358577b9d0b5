// GrpcServer: hosts GrpcService and the standard grpc.health.v1 service.
#pragma once

#include <memory>
#include <string>

#include "core/server.h"
#include "core/status.h"

namespace inferd {

struct GrpcServerOptions {
  std::string address = "0.0.0.0";
  int port = 8001;
  // Keepalive settings as tritonserver's --grpc-keepalive-* and --grpc-http2-* flags.
  int keepalive_time_ms = 7200000;
  int keepalive_timeout_ms = 20000;
  bool keepalive_permit_without_calls = false;
  int http2_max_pings_without_data = 2;
  int http2_min_recv_ping_interval_without_data_ms = 300000;
  int http2_max_ping_strikes = 2;
};

class GrpcServer {
 public:
  GrpcServer(GrpcServerOptions options, Server* server);
  ~GrpcServer();

  // Binds and starts serving; fails when the address cannot be bound.
  Status Start();
  // Cancels open calls and stops.
  void Stop();
  // What the gRPC health service answers (SERVING or NOT_SERVING).
  void SetServing(bool serving);

  int port() const { return bound_port_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int bound_port_ = 0;
};

}  // namespace inferd
