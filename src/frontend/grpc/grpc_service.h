// GrpcService: every RPC of inference.GRPCInferenceService and the health
// service's Check, translating between the protocol's messages and the core
// API. All of them are served through completion queues (grpc_queues.h):
// handlers answer at once or, for inference and model control, when the core
// calls back; no queue thread waits for inference. Readiness checks, which
// ask the model instances, run on the queues' TaskThread.
#pragma once

#include <functional>
#include <utility>

#include "core/server.h"
#include "frontend/grpc/grpc_queue.h"
#include "frontend/grpc/grpc_service_options.h"
#include "frontend/grpc/grpc_unary_call.h"
#include "grpc_service.grpc.pb.h"
#include "health.grpc.pb.h"

namespace inferd {

class GrpcService {
 public:
  using InferenceService = inference::GRPCInferenceService::AsyncService;
  using HealthService = grpc::health::v1::Health::AsyncService;

  GrpcService(Server* server, GrpcServiceOptions options) : server_(server), options_(std::move(options)) {}

  // The generated services to register with the grpc::ServerBuilder.
  InferenceService* inference_service() { return &inference_service_; }
  HealthService* health_service() { return &health_service_; }

  // Gives `queue` one GrpcMethod for every RPC.
  void AddMethods(GrpcQueue* queue);

 private:
  template <typename Request, typename Response>
  using Call = GrpcUnaryCall<InferenceService, Request, Response>;

  // Adds a unary method of `category` served by `handle`, which a call
  // reaches only when the category's restriction lets it. `request` is the
  // generated service's Request<Method> (of a base class of Service's, hence
  // `Base`).
  template <typename Service, typename Base, typename Request, typename Response>
  void Add(GrpcQueue* queue, Service* service, GrpcRequestFn<Base, Request, Response> request, ApiCategory category,
           typename GrpcUnaryCall<Service, Request, Response>::Handler handle, bool may_block = false,
           int waiting = 1);
  // The same for a method of the inference service served by a member function.
  template <typename Base, typename Request, typename Response>
  void Add(GrpcQueue* queue, GrpcRequestFn<Base, Request, Response> request, ApiCategory category,
           void (GrpcService::*handler)(Call<Request, Response>*), bool may_block = false, int waiting = 1);
  // A method of the inference service answered with `status` whatever the
  // request: extensions inferd does not serve.
  template <typename Base, typename Request, typename Response>
  void AddRefused(GrpcQueue* queue, GrpcRequestFn<Base, Request, Response> request, ApiCategory category,
                  Status status);

  void ServerLive(Call<inference::ServerLiveRequest, inference::ServerLiveResponse>* call);
  void ServerReady(Call<inference::ServerReadyRequest, inference::ServerReadyResponse>* call);
  void ModelReady(Call<inference::ModelReadyRequest, inference::ModelReadyResponse>* call);
  void ServerMetadata(Call<inference::ServerMetadataRequest, inference::ServerMetadataResponse>* call);
  void ModelMetadata(Call<inference::ModelMetadataRequest, inference::ModelMetadataResponse>* call);
  void ModelInfer(Call<inference::ModelInferRequest, inference::ModelInferResponse>* call);
  void ModelConfig(Call<inference::ModelConfigRequest, inference::ModelConfigResponse>* call);
  void LogSettings(Call<inference::LogSettingsRequest, inference::LogSettingsResponse>* call);
  void TraceSetting(Call<inference::TraceSettingRequest, inference::TraceSettingResponse>* call);
  void SystemSharedMemoryStatus(
      Call<inference::SystemSharedMemoryStatusRequest, inference::SystemSharedMemoryStatusResponse>* call);
  void SystemSharedMemoryRegister(
      Call<inference::SystemSharedMemoryRegisterRequest, inference::SystemSharedMemoryRegisterResponse>* call);
  void SystemSharedMemoryUnregister(
      Call<inference::SystemSharedMemoryUnregisterRequest, inference::SystemSharedMemoryUnregisterResponse>* call);
  void ModelStatistics(Call<inference::ModelStatisticsRequest, inference::ModelStatisticsResponse>* call);
  void RepositoryIndex(Call<inference::RepositoryIndexRequest, inference::RepositoryIndexResponse>* call);
  void RepositoryModelLoad(Call<inference::RepositoryModelLoadRequest, inference::RepositoryModelLoadResponse>* call);
  void RepositoryModelUnload(
      Call<inference::RepositoryModelUnloadRequest, inference::RepositoryModelUnloadResponse>* call);
  void HealthCheck(GrpcUnaryCall<HealthService, grpc::health::v1::HealthCheckRequest,
                                 grpc::health::v1::HealthCheckResponse>* call);

  // Looks up the model a (name, version string) pair names.
  Status FindModel(const std::string& name, const std::string& version, std::shared_ptr<ModelVersion>* model) const;

  Server* server_;
  GrpcServiceOptions options_;
  InferenceService inference_service_;
  HealthService health_service_;
};

}  // namespace inferd
