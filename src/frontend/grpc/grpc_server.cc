#include "frontend/grpc/grpc_server.h"

#include <absl/synchronization/mutex.h>
#include <grpcpp/grpcpp.h>

#include <climits>
#include <optional>

#include "frontend/grpc/grpc_queues.h"
#include "frontend/grpc/grpc_service.h"

namespace inferd {
namespace {

grpc_compression_level CompressionLevel(const std::string& name) {
  if (name == "low") return GRPC_COMPRESS_LEVEL_LOW;
  if (name == "medium") return GRPC_COMPRESS_LEVEL_MED;
  if (name == "high") return GRPC_COMPRESS_LEVEL_HIGH;
  return GRPC_COMPRESS_LEVEL_NONE;
}

}  // namespace

struct GrpcServer::Impl {
  GrpcServerOptions options;
  BusyPolling own_polling;  // when the options share none
  GrpcService service;
  std::optional<GrpcQueues> queues;
  std::unique_ptr<grpc::Server> grpc_server;

  Impl(GrpcServerOptions o, Server* s)
      : options(std::move(o)),
        service(s, {options.restrictions, options.header_forwarding, CompressionLevel(options.infer_compression)}) {
    GrpcQueuesOptions queue_options;
    queue_options.threads = options.threads;
    queue_options.busy_poll_us = options.busy_poll_us;
    queue_options.polling = options.polling ? options.polling : &own_polling;
    queues.emplace(queue_options);
  }
};

GrpcServer::GrpcServer(GrpcServerOptions options, Server* server)
    : impl_(std::make_unique<Impl>(std::move(options), server)) {}

GrpcServer::~GrpcServer() { Stop(); }

Status GrpcServer::Start() {
  const GrpcServerOptions& o = impl_->options;
  // Debian's abseil checks the lock order of every mutex gRPC takes, a few
  // percent of a small call's CPU: inferd's own locks are not abseil's.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  grpc::ServerBuilder builder;
  std::string address = o.address + ":" + std::to_string(o.port);
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &bound_port_);
  // Clients send and accept messages up to INT32_MAX; so does the server.
  builder.SetMaxReceiveMessageSize(INT_MAX);
  builder.SetMaxSendMessageSize(INT_MAX);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, o.keepalive_time_ms);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, o.keepalive_timeout_ms);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, o.keepalive_permit_without_calls ? 1 : 0);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, o.http2_max_pings_without_data);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             o.http2_min_recv_ping_interval_without_data_ms);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, o.http2_max_ping_strikes);
  builder.RegisterService(impl_->service.inference_service());
  builder.RegisterService(impl_->service.health_service());
  impl_->queues->AddTo(&builder);
  impl_->grpc_server = builder.BuildAndStart();
  if (!impl_->grpc_server || bound_port_ == 0) {
    impl_->grpc_server.reset();
    return Status::Unavailable("unable to listen for gRPC on " + address);
  }
  impl_->queues->Start([this](GrpcQueue* queue) { impl_->service.AddMethods(queue); });
  return Status::Ok();
}

void GrpcServer::Stop() {
  if (impl_->grpc_server) {
    impl_->grpc_server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  }
  // Also when the server never started: its queues must still be drained.
  impl_->queues->Stop();
  impl_->grpc_server.reset();
}

}  // namespace inferd
