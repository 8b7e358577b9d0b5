#include "frontend/grpc/grpc_service.h"

#include "core/protocol_rules.h"
#include "frontend/grpc/grpc_infer_request_reader.h"
#include "frontend/grpc/grpc_infer_response_writer.h"
#include "frontend/grpc/grpc_statistics.h"
#include "frontend/grpc/grpc_status.h"
#include "frontend/grpc/grpc_stream.h"

namespace inferd {
namespace {

// Finishes a unary call at once.
grpc::ServerUnaryReactor* Reply(grpc::CallbackServerContext* context, const Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

template <typename Tensors, typename Out>
void AddTensorMetadata(const Tensors& tensors, bool batched, Out* out) {
  for (const auto& tensor : tensors) {
    auto* entry = out->Add();
    entry->set_name(tensor.name());
    entry->set_datatype(std::string(DataTypeName(static_cast<DataType>(tensor.data_type()))));
    for (int64_t dim : ApiShape(tensor.dims(), batched)) entry->add_shape(dim);
  }
}

}  // namespace

Status GrpcService::FindModel(const std::string& name, const std::string& version,
                              std::shared_ptr<ModelVersion>* model) const {
  int64_t number = -1;
  INFERD_RETURN_IF_ERROR(ParseModelVersion(version, &number));
  return server_->GetModel(name, number, model);
}

grpc::ServerUnaryReactor* GrpcService::ServerLive(Context* context, const inference::ServerLiveRequest*,
                                                  inference::ServerLiveResponse* response) {
  response->set_live(server_->IsLive());
  return Reply(context, Status::Ok());
}

grpc::ServerUnaryReactor* GrpcService::ServerReady(Context* context, const inference::ServerReadyRequest*,
                                                   inference::ServerReadyResponse* response) {
  response->set_ready(server_->IsReady());
  return Reply(context, Status::Ok());
}

grpc::ServerUnaryReactor* GrpcService::ModelReady(Context* context, const inference::ModelReadyRequest* request,
                                                  inference::ModelReadyResponse* response) {
  std::shared_ptr<ModelVersion> model;
  Status status = FindModel(request->name(), request->version(), &model);
  response->set_ready(status.ok() && model->Ready());
  return Reply(context, status);
}

grpc::ServerUnaryReactor* GrpcService::ServerMetadata(Context* context, const inference::ServerMetadataRequest*,
                                                      inference::ServerMetadataResponse* response) {
  response->set_name(server_->id());
  response->set_version(kInferdVersion);
  for (const auto& extension : server_->extensions()) response->add_extensions(extension);
  return Reply(context, Status::Ok());
}

grpc::ServerUnaryReactor* GrpcService::ModelMetadata(Context* context, const inference::ModelMetadataRequest* request,
                                                     inference::ModelMetadataResponse* response) {
  std::shared_ptr<ModelVersion> model;
  Status status = FindModel(request->name(), request->version(), &model);
  if (!status.ok()) return Reply(context, status);
  const inference::ModelConfig& config = model->config();
  response->set_name(config.name());
  if (request->version().empty()) {
    for (int64_t version : server_->ReadyVersions(config.name())) response->add_versions(std::to_string(version));
  } else {
    response->add_versions(request->version());
  }
  response->set_platform(config.platform().empty() ? config.backend() : config.platform());
  bool batched = config.max_batch_size() > 0;
  AddTensorMetadata(config.input(), batched, response->mutable_inputs());
  AddTensorMetadata(config.output(), batched, response->mutable_outputs());
  return Reply(context, Status::Ok());
}

grpc::ServerUnaryReactor* GrpcService::ModelInfer(Context* context, const inference::ModelInferRequest* request,
                                                  inference::ModelInferResponse* response) {
  std::shared_ptr<ModelVersion> model;
  Status status = FindModel(request->model_name(), request->model_version(), &model);
  if (!status.ok()) return Reply(context, status);
  if (model->config().model_transaction_policy().decoupled()) {
    return Reply(context,
                 Status::Unsupported("ModelInfer RPC doesn't support models with decoupled transaction policy"));
  }
  // gRPC keeps `request` alive until Finish, which comes after inference:
  // the tensors may view it without owning it.
  std::shared_ptr<const inference::ModelInferRequest> view(request, [](const inference::ModelInferRequest*) {});
  GrpcInferRequest parsed;
  status = ReadGrpcInferRequest(view, &parsed);
  if (!status.ok()) return Reply(context, status);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  server_->Infer(std::move(model), std::move(parsed.request),
                 [reactor, response](Status status, std::unique_ptr<InferenceResponse> result) {
                   if (status.ok()) WriteGrpcInferResponse(*result, response);
                   reactor->Finish(ToGrpcStatus(status));
                 });
  return reactor;
}

grpc::ServerBidiReactor<inference::ModelInferRequest, inference::ModelStreamInferResponse>*
GrpcService::ModelStreamInfer(Context* context) {
  // With "triton_grpc_error: true" metadata the first error ends the stream
  // with its status instead of travelling in error_message.
  bool end_on_error = false;
  for (const auto& [key, value] : context->client_metadata()) {
    if (std::string_view(key.data(), key.size()) == "triton_grpc_error") {
      end_on_error = std::string_view(value.data(), value.size()) == "true";
    }
  }
  return new GrpcInferStream(server_, end_on_error);
}

grpc::ServerUnaryReactor* GrpcService::ModelConfig(Context* context, const inference::ModelConfigRequest* request,
                                                   inference::ModelConfigResponse* response) {
  std::shared_ptr<ModelVersion> model;
  Status status = FindModel(request->name(), request->version(), &model);
  if (status.ok()) *response->mutable_config() = model->config();
  return Reply(context, status);
}

grpc::ServerUnaryReactor* GrpcService::ModelStatistics(Context* context,
                                                       const inference::ModelStatisticsRequest* request,
                                                       inference::ModelStatisticsResponse* response) {
  int64_t version = -1;
  Status status = ParseModelVersion(request->version(), &version);
  std::vector<ModelStatsEntry> entries;
  if (status.ok()) status = server_->Statistics(request->name(), version, &entries);
  if (status.ok()) FillStatistics(entries, response);
  return Reply(context, status);
}

grpc::ServerUnaryReactor* GrpcService::RepositoryIndex(Context* context, const inference::RepositoryIndexRequest* request,
                                                       inference::RepositoryIndexResponse* response) {
  if (!request->repository_name().empty()) {
    return Reply(context, Status::Unsupported("'repository_name' specification is not supported"));
  }
  for (const IndexRow& row : IndexRows(server_->RepositoryIndex(), request->ready())) {
    auto* entry = response->add_models();
    entry->set_name(row.name);
    if (row.name_only) continue;
    entry->set_version(row.version);
    entry->set_state(ModelStateName(row.state));
    entry->set_reason(row.reason);
  }
  return Reply(context, Status::Ok());
}

grpc::ServerUnaryReactor* GrpcService::RepositoryModelLoad(Context* context,
                                                           const inference::RepositoryModelLoadRequest* request,
                                                           inference::RepositoryModelLoadResponse*) {
  if (!request->repository_name().empty()) {
    return Reply(context, Status::Unsupported("'repository_name' specification is not supported"));
  }
  if (server_->model_control_mode() != ModelControlMode::kExplicit) return Reply(context, ModelControlNotAllowed());
  ModelLoadOverrides overrides;
  using Choice = inference::ModelRepositoryParameter;
  for (const auto& [key, value] : request->parameters()) {
    Status status;
    if (key == "config" && value.parameter_choice_case() != Choice::kStringParam) {
      status = Status::InvalidArg("load parameter 'config' must be a string_param");
    } else if (key != "config" && IsLoadParameter(key) && value.parameter_choice_case() != Choice::kBytesParam) {
      status = Status::InvalidArg("load parameter '" + key + "' must be a bytes_param");
    } else {
      status = AddLoadParameter(key, key == "config" ? value.string_param() : value.bytes_param(), &overrides);
    }
    if (!status.ok()) return Reply(context, status);
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  server_->LoadModelAsync(request->model_name(), std::move(overrides),
                          [reactor](Status status) { reactor->Finish(ToGrpcStatus(status)); });
  return reactor;
}

grpc::ServerUnaryReactor* GrpcService::RepositoryModelUnload(Context* context,
                                                             const inference::RepositoryModelUnloadRequest* request,
                                                             inference::RepositoryModelUnloadResponse*) {
  if (!request->repository_name().empty()) {
    return Reply(context, Status::Unsupported("'repository_name' specification is not supported"));
  }
  if (server_->model_control_mode() != ModelControlMode::kExplicit) return Reply(context, ModelControlNotAllowed());
  bool unload_dependents = false;
  auto found = request->parameters().find("unload_dependents");
  if (found != request->parameters().end()) {
    if (found->second.parameter_choice_case() != inference::ModelRepositoryParameter::kBoolParam) {
      return Reply(context, Status::InvalidArg("unload parameter 'unload_dependents' must be a bool_param"));
    }
    unload_dependents = found->second.bool_param();
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  server_->UnloadModelAsync(request->model_name(), unload_dependents,
                            [reactor](Status status) { reactor->Finish(ToGrpcStatus(status)); });
  return reactor;
}

grpc::ServerUnaryReactor* GrpcService::SystemSharedMemoryStatus(Context* context,
                                                                const inference::SystemSharedMemoryStatusRequest*,
                                                                inference::SystemSharedMemoryStatusResponse*) {
  return Reply(context, ExtensionNotSupported("the system shared memory extension"));
}

grpc::ServerUnaryReactor* GrpcService::SystemSharedMemoryRegister(Context* context,
                                                                  const inference::SystemSharedMemoryRegisterRequest*,
                                                                  inference::SystemSharedMemoryRegisterResponse*) {
  return Reply(context, ExtensionNotSupported("the system shared memory extension"));
}

grpc::ServerUnaryReactor* GrpcService::SystemSharedMemoryUnregister(
    Context* context, const inference::SystemSharedMemoryUnregisterRequest*,
    inference::SystemSharedMemoryUnregisterResponse*) {
  return Reply(context, ExtensionNotSupported("the system shared memory extension"));
}

grpc::ServerUnaryReactor* GrpcService::CudaSharedMemoryStatus(Context* context,
                                                              const inference::CudaSharedMemoryStatusRequest*,
                                                              inference::CudaSharedMemoryStatusResponse*) {
  return Reply(context, CudaSharedMemoryNotSupported());
}

grpc::ServerUnaryReactor* GrpcService::CudaSharedMemoryRegister(Context* context,
                                                                const inference::CudaSharedMemoryRegisterRequest*,
                                                                inference::CudaSharedMemoryRegisterResponse*) {
  return Reply(context, CudaSharedMemoryNotSupported());
}

grpc::ServerUnaryReactor* GrpcService::CudaSharedMemoryUnregister(Context* context,
                                                                  const inference::CudaSharedMemoryUnregisterRequest*,
                                                                  inference::CudaSharedMemoryUnregisterResponse*) {
  return Reply(context, CudaSharedMemoryNotSupported());
}

grpc::ServerUnaryReactor* GrpcService::TraceSetting(Context* context, const inference::TraceSettingRequest*,
                                                    inference::TraceSettingResponse*) {
  return Reply(context, ExtensionNotSupported("the trace extension"));
}

grpc::ServerUnaryReactor* GrpcService::LogSettings(Context* context, const inference::LogSettingsRequest*,
                                                   inference::LogSettingsResponse*) {
  return Reply(context, ExtensionNotSupported("the logging extension"));
}

}  // namespace inferd
