#include "frontend/grpc/grpc_server.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <climits>

#include "frontend/grpc/grpc_service.h"

namespace inferd {

struct GrpcServer::Impl {
  GrpcServerOptions options;
  Server* server;
  GrpcService service;
  std::unique_ptr<grpc::Server> grpc_server;

  Impl(GrpcServerOptions o, Server* s) : options(std::move(o)), server(s), service(s) {}
};

GrpcServer::GrpcServer(GrpcServerOptions options, Server* server)
    : impl_(std::make_unique<Impl>(std::move(options), server)) {}

GrpcServer::~GrpcServer() { Stop(); }

Status GrpcServer::Start() {
  const GrpcServerOptions& o = impl_->options;
  grpc::EnableDefaultHealthCheckService(true);
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
  builder.RegisterService(&impl_->service);
  impl_->grpc_server = builder.BuildAndStart();
  if (!impl_->grpc_server || bound_port_ == 0) {
    impl_->grpc_server.reset();
    return Status::Unavailable("unable to listen for gRPC on " + address);
  }
  // The health service answers SERVING exactly when the server is ready.
  impl_->grpc_server->GetHealthCheckService()->SetServingStatus(impl_->server->IsReady());
  return Status::Ok();
}

void GrpcServer::SetServing(bool serving) {
  if (impl_->grpc_server) impl_->grpc_server->GetHealthCheckService()->SetServingStatus(serving);
}

void GrpcServer::Stop() {
  if (!impl_->grpc_server) return;
  impl_->grpc_server->GetHealthCheckService()->SetServingStatus(false);
  impl_->grpc_server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  impl_->grpc_server->Wait();
  impl_->grpc_server.reset();
}

}  // namespace inferd
