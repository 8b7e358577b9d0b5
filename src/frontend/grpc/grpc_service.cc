#include "frontend/grpc/grpc_service.h"

#include <utility>

#include "core/log_settings_change.h"
#include "core/protocol_rules.h"
#include "core/tracer.h"
#include "frontend/grpc/grpc_infer_request_reader.h"
#include "frontend/grpc/grpc_infer_response_writer.h"
#include "frontend/grpc/grpc_statistics.h"
#include "frontend/grpc/grpc_stream.h"

namespace inferd {
namespace {

// ModelInfer calls kept waiting on each queue, so a burst of calls does not
// wait for the queue's thread to post successors one by one.
constexpr int kWaitingInferCalls = 8;

template <typename Tensors, typename Out>
void AddTensorMetadata(const Tensors& tensors, bool batched, Out* out) {
  for (const auto& tensor : tensors) {
    auto* entry = out->Add();
    entry->set_name(tensor.name());
    entry->set_datatype(std::string(DataTypeName(static_cast<DataType>(tensor.data_type()))));
    for (int64_t dim : ApiShape(tensor.dims(), batched)) entry->add_shape(dim);
  }
}

// The refusals RepositoryModelLoad and RepositoryModelUnload share.
Status ModelControlAllowed(const std::string& repository_name, ModelControlMode mode) {
  if (!repository_name.empty()) return Status::Unsupported("'repository_name' specification is not supported");
  if (mode != ModelControlMode::kExplicit) return ModelControlNotAllowed();
  return Status::Ok();
}

}  // namespace

template <typename Service, typename Base, typename Request, typename Response>
void GrpcService::Add(GrpcQueue* queue, Service* service, GrpcRequestFn<Base, Request, Response> request,
                      ApiCategory category, typename GrpcUnaryCall<Service, Request, Response>::Handler handle,
                      bool may_block, int waiting) {
  using Call = GrpcUnaryCall<Service, Request, Response>;
  using Method = typename Call::Method;
  if (options_.restrictions.For(category)) {
    handle = [this, category, handle = std::move(handle)](Call* call) {
      Status allowed = CheckRestriction(options_.restrictions, category, call->context());
      if (!allowed.ok()) return call->Finish(allowed);
      handle(call);
    };
  }
  auto method = std::make_unique<Method>(queue, service, request, std::move(handle), may_block);
  method->waiting = waiting;
  queue->methods.push_back(std::move(method));
}

template <typename Base, typename Request, typename Response>
void GrpcService::Add(GrpcQueue* queue, GrpcRequestFn<Base, Request, Response> request, ApiCategory category,
                      void (GrpcService::*handler)(Call<Request, Response>*), bool may_block, int waiting) {
  Add<InferenceService>(
      queue, &inference_service_, request, category,
      [this, handler](Call<Request, Response>* call) { (this->*handler)(call); }, may_block, waiting);
}

template <typename Base, typename Request, typename Response>
void GrpcService::AddRefused(GrpcQueue* queue, GrpcRequestFn<Base, Request, Response> request, ApiCategory category,
                             Status status) {
  Add<InferenceService>(queue, &inference_service_, request, category,
                        [status](Call<Request, Response>* call) { call->Finish(status); });
}

void GrpcService::AddMethods(GrpcQueue* queue) {
  using S = InferenceService;
  // Readiness may ask model instances (a Python model's is_ready), which can
  // take a while: those run on the queue's TaskThread.
  constexpr bool kMayBlock = true;
  using C = ApiCategory;
  Add(queue, &S::RequestServerLive, C::kHealth, &GrpcService::ServerLive);
  Add(queue, &S::RequestServerReady, C::kHealth, &GrpcService::ServerReady, kMayBlock);
  Add(queue, &S::RequestModelReady, C::kHealth, &GrpcService::ModelReady, kMayBlock);
  Add(queue, &S::RequestServerMetadata, C::kMetadata, &GrpcService::ServerMetadata);
  Add(queue, &S::RequestModelMetadata, C::kMetadata, &GrpcService::ModelMetadata);
  Add(queue, &S::RequestModelInfer, C::kInference, &GrpcService::ModelInfer, false, kWaitingInferCalls);
  queue->methods.push_back(
      std::make_unique<GrpcInferStream::Method>(queue, &inference_service_, server_, &options_));
  Add(queue, &S::RequestModelConfig, C::kModelConfig, &GrpcService::ModelConfig);
  Add(queue, &S::RequestModelStatistics, C::kStatistics, &GrpcService::ModelStatistics);
  Add(queue, &S::RequestRepositoryIndex, C::kModelRepository, &GrpcService::RepositoryIndex);
  Add(queue, &S::RequestRepositoryModelLoad, C::kModelRepository, &GrpcService::RepositoryModelLoad);
  Add(queue, &S::RequestRepositoryModelUnload, C::kModelRepository, &GrpcService::RepositoryModelUnload);
  Add(queue, &S::RequestSystemSharedMemoryStatus, C::kSharedMemory, &GrpcService::SystemSharedMemoryStatus);
  Add(queue, &S::RequestSystemSharedMemoryRegister, C::kSharedMemory, &GrpcService::SystemSharedMemoryRegister);
  Add(queue, &S::RequestSystemSharedMemoryUnregister, C::kSharedMemory,
      &GrpcService::SystemSharedMemoryUnregister);
  AddRefused(queue, &S::RequestCudaSharedMemoryStatus, C::kSharedMemory, CudaSharedMemoryNotSupported());
  AddRefused(queue, &S::RequestCudaSharedMemoryRegister, C::kSharedMemory, CudaSharedMemoryNotSupported());
  AddRefused(queue, &S::RequestCudaSharedMemoryUnregister, C::kSharedMemory, CudaSharedMemoryNotSupported());
  Add(queue, &S::RequestTraceSetting, C::kTrace, &GrpcService::TraceSetting);
  Add(queue, &S::RequestLogSettings, C::kLogging, &GrpcService::LogSettings);
  Add<HealthService>(
      queue, &health_service_, &HealthService::RequestCheck, C::kHealth,
      [this](GrpcUnaryCall<HealthService, grpc::health::v1::HealthCheckRequest, grpc::health::v1::HealthCheckResponse>*
                 call) { HealthCheck(call); },
      kMayBlock);
}

Status GrpcService::FindModel(const std::string& name, const std::string& version,
                              std::shared_ptr<ModelVersion>* model) const {
  int64_t number = -1;
  INFERD_RETURN_IF_ERROR(ParseModelVersion(version, &number));
  return server_->GetModel(name, number, model);
}

void GrpcService::HealthCheck(
    GrpcUnaryCall<HealthService, grpc::health::v1::HealthCheckRequest, grpc::health::v1::HealthCheckResponse>* call) {
  // As tritonserver's: the server's readiness, whatever service is named.
  using Response = grpc::health::v1::HealthCheckResponse;
  call->response()->set_status(server_->IsReady() ? Response::SERVING : Response::NOT_SERVING);
  call->Finish(Status::Ok());
}

void GrpcService::ServerLive(Call<inference::ServerLiveRequest, inference::ServerLiveResponse>* call) {
  call->response()->set_live(server_->IsLive());
  call->Finish(Status::Ok());
}

void GrpcService::ServerReady(Call<inference::ServerReadyRequest, inference::ServerReadyResponse>* call) {
  call->response()->set_ready(server_->IsReady());
  call->Finish(Status::Ok());
}

void GrpcService::ModelReady(Call<inference::ModelReadyRequest, inference::ModelReadyResponse>* call) {
  std::shared_ptr<ModelVersion> model;
  Status status = FindModel(call->request().name(), call->request().version(), &model);
  call->response()->set_ready(status.ok() && model->Ready());
  call->Finish(status);
}

void GrpcService::ServerMetadata(Call<inference::ServerMetadataRequest, inference::ServerMetadataResponse>* call) {
  inference::ServerMetadataResponse* response = call->response();
  response->set_name(server_->id());
  response->set_version(kInferdVersion);
  for (const auto& extension : server_->extensions()) response->add_extensions(extension);
  call->Finish(Status::Ok());
}

void GrpcService::ModelMetadata(Call<inference::ModelMetadataRequest, inference::ModelMetadataResponse>* call) {
  const inference::ModelMetadataRequest& request = call->request();
  std::shared_ptr<ModelVersion> model;
  Status status = FindModel(request.name(), request.version(), &model);
  if (!status.ok()) return call->Finish(status);
  const inference::ModelConfig& config = model->config();
  inference::ModelMetadataResponse* response = call->response();
  response->set_name(config.name());
  if (request.version().empty()) {
    for (int64_t version : server_->ReadyVersions(config.name())) response->add_versions(std::to_string(version));
  } else {
    response->add_versions(request.version());
  }
  response->set_platform(config.platform().empty() ? config.backend() : config.platform());
  bool batched = config.max_batch_size() > 0;
  AddTensorMetadata(config.input(), batched, response->mutable_inputs());
  AddTensorMetadata(config.output(), batched, response->mutable_outputs());
  call->Finish(Status::Ok());
}

void GrpcService::ModelInfer(Call<inference::ModelInferRequest, inference::ModelInferResponse>* call) {
  std::shared_ptr<ModelVersion> model;
  Status status = FindModel(call->request().model_name(), call->request().model_version(), &model);
  if (!status.ok()) return call->Finish(status);
  if (model->config().model_transaction_policy().decoupled()) {
    return call->Finish(
        Status::Unsupported("ModelInfer RPC doesn't support models with decoupled transaction policy"));
  }
  if (options_.infer_compression != GRPC_COMPRESS_LEVEL_NONE) {
    call->context().set_compression_level(options_.infer_compression);
  }
  // The call keeps its request until it finishes, after inference: the
  // tensors may view it.
  GrpcInferRequest parsed;
  status = ReadGrpcInferRequest(call->shared_request(), server_->shared_memory(), &parsed);
  if (!status.ok()) return call->Finish(status);
  status = ForwardHeaders(options_.header_forwarding, call->context(), parsed.request.get());
  if (!status.ok()) return call->Finish(status);
  parsed.request->received_start = {"GRPC_WAITREAD_START", call->posted_ns()};
  parsed.request->received_end = {"GRPC_WAITREAD_END", call->arrived_ns()};
  server_->Infer(std::move(model), std::move(parsed.request),
                 [call, shared_memory = std::move(parsed.shared_memory_outputs)](
                     Status status, std::unique_ptr<InferenceResponse> result) {
                   if (status.ok()) status = WriteGrpcInferResponse(*result, shared_memory, call->response());
                   if (status.ok()) {
                     call->KeepUntilFinished(
                         TraceSending(std::move(result->trace), "GRPC_SEND_START", "GRPC_SEND_END"));
                   }
                   call->Finish(status);
                 });
}

void GrpcService::TraceSetting(Call<inference::TraceSettingRequest, inference::TraceSettingResponse>* call) {
  const inference::TraceSettingRequest& request = call->request();
  const std::string& model = request.model_name();
  if (!model.empty()) {
    Status target = server_->CheckTraceModel(model);
    if (!target.ok()) return call->Finish(target);
  }
  TraceSettingsChange change;
  change.clear_all = !model.empty() && request.settings().empty();
  for (const auto& [key, value] : request.settings()) {
    std::vector<std::string> values(value.value().begin(), value.value().end());
    // An empty list clears the setting.
    Status status = AddTraceSetting(key, values, values.empty(), &change);
    if (!status.ok()) return call->Finish(status);
  }
  server_->tracer().Update(model, change);  // an empty change changes nothing
  auto& out = *call->response()->mutable_settings();
  for (const auto& [key, values] : TraceSettingValues(server_->tracer().Settings(model))) {
    for (const std::string& value : values) out[key].add_value(value);
  }
  call->Finish(Status::Ok());
}

void GrpcService::LogSettings(Call<inference::LogSettingsRequest, inference::LogSettingsResponse>* call) {
  using Value = inference::LogSettingsRequest::SettingValue;
  LogSettingsChange change;
  for (const auto& [key, value] : call->request().settings()) {
    auto boolean = [&](std::optional<bool>* out) {
      if (value.parameter_choice_case() != Value::kBoolParam) {
        return Status::InvalidArg("'" + key + "' must be a bool_param");
      }
      *out = value.bool_param();
      return Status::Ok();
    };
    Status status;
    if (key == "log_info") {
      status = boolean(&change.info);
    } else if (key == "log_warning") {
      status = boolean(&change.warning);
    } else if (key == "log_error") {
      status = boolean(&change.error);
    } else if (key == "log_verbose_level") {
      if (value.parameter_choice_case() != Value::kUint32Param) {
        status = Status::InvalidArg("'log_verbose_level' must be a uint32_param");
      } else {
        change.verbose_level = value.uint32_param();
      }
    } else if (key == "log_format") {
      if (value.parameter_choice_case() != Value::kStringParam) {
        status = Status::InvalidArg("'log_format' must be a string_param");
      } else {
        change.format = value.string_param();
      }
    } else if (key == "log_file") {
      change.file = value.parameter_choice_case() != Value::PARAMETER_CHOICE_NOT_SET;
    } else {
      status = Status::InvalidArg("unknown log setting '" + key + "'");
    }
    if (!status.ok()) return call->Finish(status);
  }
  Status status = ApplyLogSettingsChange(change);
  if (!status.ok()) return call->Finish(status);
  LogSettingsView now = CurrentLogSettings();
  auto& settings = *call->response()->mutable_settings();
  settings["log_file"].set_string_param(now.file);
  settings["log_info"].set_bool_param(now.info);
  settings["log_warning"].set_bool_param(now.warning);
  settings["log_error"].set_bool_param(now.error);
  settings["log_verbose_level"].set_uint32_param(now.verbose_level);
  settings["log_format"].set_string_param(now.format);
  call->Finish(Status::Ok());
}

void GrpcService::SystemSharedMemoryStatus(
    Call<inference::SystemSharedMemoryStatusRequest, inference::SystemSharedMemoryStatusResponse>* call) {
  std::vector<SharedMemoryRegionInfo> regions;
  Status status = server_->shared_memory().List(call->request().name(), &regions);
  for (const auto& region : regions) {
    auto& entry = (*call->response()->mutable_regions())[region.name];
    entry.set_name(region.name);
    entry.set_key(region.key);
    entry.set_offset(region.offset);
    entry.set_byte_size(region.byte_size);
  }
  call->Finish(status);
}

void GrpcService::SystemSharedMemoryRegister(
    Call<inference::SystemSharedMemoryRegisterRequest, inference::SystemSharedMemoryRegisterResponse>* call) {
  const auto& request = call->request();
  call->Finish(server_->shared_memory().Register(request.name(), request.key(), request.offset(), request.byte_size()));
}

void GrpcService::SystemSharedMemoryUnregister(
    Call<inference::SystemSharedMemoryUnregisterRequest, inference::SystemSharedMemoryUnregisterResponse>* call) {
  call->Finish(server_->shared_memory().Unregister(call->request().name()));
}

void GrpcService::ModelConfig(Call<inference::ModelConfigRequest, inference::ModelConfigResponse>* call) {
  std::shared_ptr<ModelVersion> model;
  Status status = FindModel(call->request().name(), call->request().version(), &model);
  if (status.ok()) *call->response()->mutable_config() = model->config();
  call->Finish(status);
}

void GrpcService::ModelStatistics(Call<inference::ModelStatisticsRequest, inference::ModelStatisticsResponse>* call) {
  int64_t version = -1;
  Status status = ParseModelVersion(call->request().version(), &version);
  std::vector<ModelStatsEntry> entries;
  if (status.ok()) status = server_->Statistics(call->request().name(), version, &entries);
  if (status.ok()) FillStatistics(entries, call->response());
  call->Finish(status);
}

void GrpcService::RepositoryIndex(Call<inference::RepositoryIndexRequest, inference::RepositoryIndexResponse>* call) {
  if (!call->request().repository_name().empty()) {
    return call->Finish(Status::Unsupported("'repository_name' specification is not supported"));
  }
  for (const IndexRow& row : IndexRows(server_->RepositoryIndex(), call->request().ready())) {
    auto* entry = call->response()->add_models();
    entry->set_name(row.name);
    if (row.name_only) continue;
    entry->set_version(row.version);
    entry->set_state(ModelStateName(row.state));
    entry->set_reason(row.reason);
  }
  call->Finish(Status::Ok());
}

void GrpcService::RepositoryModelLoad(
    Call<inference::RepositoryModelLoadRequest, inference::RepositoryModelLoadResponse>* call) {
  const inference::RepositoryModelLoadRequest& request = call->request();
  Status allowed = ModelControlAllowed(request.repository_name(), server_->model_control_mode());
  if (!allowed.ok()) return call->Finish(allowed);
  ModelLoadOverrides overrides;
  using Choice = inference::ModelRepositoryParameter;
  for (const auto& [key, value] : request.parameters()) {
    Status status;
    if (key == "config" && value.parameter_choice_case() != Choice::kStringParam) {
      status = Status::InvalidArg("load parameter 'config' must be a string_param");
    } else if (key != "config" && IsLoadParameter(key) && value.parameter_choice_case() != Choice::kBytesParam) {
      status = Status::InvalidArg("load parameter '" + key + "' must be a bytes_param");
    } else {
      status = AddLoadParameter(key, key == "config" ? value.string_param() : value.bytes_param(), &overrides);
    }
    if (!status.ok()) return call->Finish(status);
  }
  server_->LoadModelAsync(request.model_name(), std::move(overrides), [call](Status status) { call->Finish(status); });
}

void GrpcService::RepositoryModelUnload(
    Call<inference::RepositoryModelUnloadRequest, inference::RepositoryModelUnloadResponse>* call) {
  const inference::RepositoryModelUnloadRequest& request = call->request();
  Status allowed = ModelControlAllowed(request.repository_name(), server_->model_control_mode());
  if (!allowed.ok()) return call->Finish(allowed);
  bool unload_dependents = false;
  auto found = request.parameters().find("unload_dependents");
  if (found != request.parameters().end()) {
    if (found->second.parameter_choice_case() != inference::ModelRepositoryParameter::kBoolParam) {
      return call->Finish(Status::InvalidArg("unload parameter 'unload_dependents' must be a bool_param"));
    }
    unload_dependents = found->second.bool_param();
  }
  server_->UnloadModelAsync(request.model_name(), unload_dependents, [call](Status status) { call->Finish(status); });
}

}  // namespace inferd
