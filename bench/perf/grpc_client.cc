#include "perf/grpc_client.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <climits>

#include "grpc_service.grpc.pb.h"
#include "perf/clock.h"

namespace inferd::perf {
namespace {

std::string StatusText(const grpc::Status& status) {
  static const char* const kCodes[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  int code = static_cast<int>(status.error_code());
  std::string name = code >= 0 && code <= 16 ? kCodes[code] : std::to_string(code);
  return name + ": " + status.error_message();
}

// Each channel gets subchannels of its own, so every worker has its own
// connection instead of sharing one.
std::shared_ptr<grpc::Channel> NewChannel(const ClientOptions& options) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxSendMessageSize(INT_MAX);
  arguments.SetMaxReceiveMessageSize(INT_MAX);
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(options.host + ":" + options.port, grpc::InsecureChannelCredentials(), arguments);
}

void SetDeadline(const ClientOptions& options, grpc::ClientContext* context) {
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(options.timeout_ms));
}

Status CallError(const ClientOptions& options, const char* rpc, const grpc::Status& status) {
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return Status::Error(std::string(rpc) + " to " + options.host + ":" + options.port + " got no answer within " +
                         std::to_string(options.timeout_ms) + " ms (--timeout)");
  }
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    return Status::Error(std::string(rpc) + " cannot reach " + options.host + ":" + options.port + " over gRPC: " +
                         StatusText(status));
  }
  return Status::Error(std::string(rpc) + " failed: " + StatusText(status));
}

class GrpcInferClient : public InferClient {
 public:
  explicit GrpcInferClient(const ClientOptions& options)
      : options_(options), stub_(inference::GRPCInferenceService::NewStub(NewChannel(options))) {}

  Status Infer(const InferPayload& payload, RequestTiming* timing) override {
    timing->start_ns = NowNs();
    // Clear() keeps the allocated strings, so their memory is reused.
    request_.Clear();
    request_.set_model_name(options_.model);
    request_.set_model_version(options_.version);
    for (const InputTensor& input : payload.inputs) {
      auto* tensor = request_.add_inputs();
      tensor->set_name(input.name);
      tensor->set_datatype(input.datatype);
      for (int64_t d : input.shape) tensor->add_shape(d);
      request_.add_raw_input_contents(input.data);
    }
    int64_t built = NowNs();
    timing->send_ns = built - timing->start_ns;
    grpc::ClientContext context;
    SetDeadline(options_, &context);
    response_.Clear();
    grpc::Status result = stub_->ModelInfer(&context, request_, &response_);
    int64_t answered = NowNs();
    Status status = result.ok() ? Check() : CallError(options_, "ModelInfer", result);
    timing->end_ns = NowNs();
    timing->recv_ns = timing->end_ns - answered;
    return status;
  }

 private:
  Status Check() const {
    if (response_.outputs_size() != response_.raw_output_contents_size()) {
      return Status::Error("the response has " + std::to_string(response_.outputs_size()) + " outputs but " +
                           std::to_string(response_.raw_output_contents_size()) + " raw_output_contents");
    }
    for (const auto& output : response_.outputs()) {
      if (output.name().empty() || output.datatype().empty()) {
        return Status::Error("an output of the response lacks its name or datatype");
      }
    }
    return Status::Ok();
  }

  const ClientOptions options_;
  std::unique_ptr<inference::GRPCInferenceService::Stub> stub_;
  inference::ModelInferRequest request_;
  inference::ModelInferResponse response_;
};

class GrpcServerClient : public ServerClient {
 public:
  explicit GrpcServerClient(const ClientOptions& options)
      : options_(options), stub_(inference::GRPCInferenceService::NewStub(NewChannel(options))) {}

  Status ServerExtensions(std::vector<std::string>* extensions) override {
    inference::ServerMetadataResponse response;
    Status s = Unary("ServerMetadata", &Stub::ServerMetadata, inference::ServerMetadataRequest(), &response);
    if (!s.ok()) return s;
    extensions->assign(response.extensions().begin(), response.extensions().end());
    return Status::Ok();
  }

  Status GetModelInfo(ModelInfo* model) override {
    inference::ModelConfigRequest config_request;
    config_request.set_name(options_.model);
    config_request.set_version(options_.version);
    inference::ModelConfigResponse config;
    if (Status s = Unary("ModelConfig", &Stub::ModelConfig, config_request, &config); !s.ok()) return s;

    inference::ModelMetadataRequest metadata_request;
    metadata_request.set_name(options_.model);
    metadata_request.set_version(options_.version);
    inference::ModelMetadataResponse metadata;
    if (Status s = Unary("ModelMetadata", &Stub::ModelMetadata, metadata_request, &metadata); !s.ok()) return s;

    model->name = options_.model;
    model->version = options_.version;
    model->max_batch_size = config.config().max_batch_size();
    auto copy = [&](const auto& tensors, std::vector<TensorInfo>* out) {
      for (const auto& tensor : tensors) {
        TensorInfo info{tensor.name(), tensor.datatype(), {tensor.shape().begin(), tensor.shape().end()}};
        if (model->max_batch_size > 0 && !info.shape.empty()) info.shape.erase(info.shape.begin());
        out->push_back(std::move(info));
      }
    };
    copy(metadata.inputs(), &model->inputs);
    copy(metadata.outputs(), &model->outputs);
    return Status::Ok();
  }

  Status GetModelStats(ModelStatsSnapshot* snapshot) override {
    inference::ModelStatisticsRequest request;
    request.set_name(options_.model);
    request.set_version(options_.version);
    inference::ModelStatisticsResponse response;
    if (Status s = Unary("ModelStatistics", &Stub::ModelStatistics, request, &response); !s.ok()) return s;
    ModelStatsSnapshot sum;
    bool found = false;
    auto add = [](StatDuration* sum, const inference::StatisticDuration& d) {
      sum->count += d.count();
      sum->ns += d.ns();
    };
    for (const auto& model : response.model_stats()) {
      if (model.name() != options_.model) continue;
      if (!options_.version.empty() && model.version() != options_.version) continue;
      found = true;
      sum.inference_count += model.inference_count();
      sum.execution_count += model.execution_count();
      const auto& s = model.inference_stats();
      add(&sum.success, s.success());
      add(&sum.fail, s.fail());
      add(&sum.queue, s.queue());
      add(&sum.compute_input, s.compute_input());
      add(&sum.compute_infer, s.compute_infer());
      add(&sum.compute_output, s.compute_output());
      add(&sum.cache_hit, s.cache_hit());
      add(&sum.cache_miss, s.cache_miss());
    }
    if (!found) return Status::Error("the statistics reply has no entry for model '" + options_.model + "'");
    *snapshot = sum;
    return Status::Ok();
  }

  std::unique_ptr<InferClient> NewInferClient() override { return std::make_unique<GrpcInferClient>(options_); }

 private:
  using Stub = inference::GRPCInferenceService::Stub;

  // One unary call with the configured deadline; a failure names the call.
  template <typename Method, typename Request, typename Response>
  Status Unary(const char* name, Method method, const Request& request, Response* response) {
    grpc::ClientContext context;
    SetDeadline(options_, &context);
    grpc::Status status = (stub_.get()->*method)(&context, request, response);
    return status.ok() ? Status::Ok() : CallError(options_, name, status);
  }

  const ClientOptions options_;
  std::unique_ptr<inference::GRPCInferenceService::Stub> stub_;
};

}  // namespace

std::unique_ptr<ServerClient> MakeGrpcServerClient(const ClientOptions& options) {
  return std::make_unique<GrpcServerClient>(options);
}

}  // namespace inferd::perf
