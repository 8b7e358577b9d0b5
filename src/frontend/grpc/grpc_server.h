// GrpcServer: hosts GrpcService (inference.GRPCInferenceService and the
// grpc.health.v1 Check) on completion queues served by GrpcQueues.
#pragma once

#include <memory>
#include <string>

#include "core/server.h"
#include "core/status.h"
#include "frontend/api_restrictions.h"
#include "frontend/header_forwarding.h"
#include "frontend/busy_polling.h"

namespace inferd {

struct GrpcServerOptions {
  std::string address = "0.0.0.0";
  int port = 8001;
  int threads = 1;                 // --grpc-infer-thread-count: completion queues, one thread each
  int busy_poll_us = 0;            // --grpc-busy-poll-us, see frontend/busy_polling.h
  BusyPolling* polling = nullptr;  // shared with the server's other frontends; null: one of its own
  // Keepalive settings as tritonserver's --grpc-keepalive-* and --grpc-http2-* flags.
  int keepalive_time_ms = 7200000;
  int keepalive_timeout_ms = 20000;
  bool keepalive_permit_without_calls = false;
  int http2_max_pings_without_data = 2;
  int http2_min_recv_ping_interval_without_data_ms = 300000;
  int http2_max_ping_strikes = 2;
  ApiRestrictions restrictions;         // --grpc-restricted-protocol
  HeaderForwarding header_forwarding;  // --grpc-header-forward-pattern
  // --grpc-infer-response-compression-level (none, low, medium, high), for
  // clients that accept compressed messages.
  std::string infer_compression = "none";
};

class GrpcServer {
 public:
  GrpcServer(GrpcServerOptions options, Server* server);
  ~GrpcServer();

  // Binds and starts serving; fails when the address cannot be bound.
  Status Start();
  // Cancels open calls and stops.
  void Stop();

  int port() const { return bound_port_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int bound_port_ = 0;
};

}  // namespace inferd
