#include "perf/grpc_client.h"

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "grpc_service.grpc.pb.h"
#include "perf/clock.h"
#include "perf/grpc_channel.h"

namespace inferd::perf {
namespace {

// "/inference.GRPCInferenceService/<method>"
std::string MethodPath(std::string_view method) {
  return "/" + std::string(inference::GRPCInferenceService::service_full_name()) + "/" + std::string(method);
}

std::unique_ptr<GrpcChannel> NewChannel(const ClientOptions& options) {
  return std::make_unique<GrpcChannel>(options.host, options.port, options.socket);
}

// One unary call of `rpc` at `path`: an error names the call, and a gRPC
// error status its code and message.
Status Unary(GrpcChannel* channel, std::string_view rpc, const std::string& path,
             const google::protobuf::MessageLite& request, std::string* serialized,
             google::protobuf::MessageLite* response, HttpExchangeTiming* timing = nullptr) {
  serialized->clear();
  request.AppendToString(serialized);
  GrpcReply reply;
  Status status = channel->Call(path, *serialized, &reply, timing);
  if (!status.ok()) return Status::Error(std::string(rpc) + ": " + status.message());
  if (reply.status != 0) {
    return Status::Error(std::string(rpc) + " failed: " + GrpcCodeName(reply.status) + ": " + reply.message);
  }
  if (!response->ParseFromString(reply.body)) {
    return Status::Error(std::string(rpc) + ": the answer from " + channel->Address() + " is not a valid " +
                         response->GetTypeName());
  }
  return Status::Ok();
}

class GrpcInferClient : public InferClient {
 public:
  explicit GrpcInferClient(const ClientOptions& options) : options_(options), channel_(NewChannel(options)) {}

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
      if (input.shm_region.empty()) {
        request_.add_raw_input_contents(input.data);
      } else {
        SetSharedMemory(input.shm_region, input.data.size(), tensor->mutable_parameters());
      }
    }
    for (const SharedMemoryOutput& output : shared_outputs_) {
      auto* tensor = request_.add_outputs();
      tensor->set_name(output.name);
      SetSharedMemory(output.region, output.byte_size, tensor->mutable_parameters());
    }
    HttpExchangeTiming exchange;
    response_.Clear();
    Status status = Unary(channel_.get(), "ModelInfer", infer_path_, request_, &serialized_, &response_, &exchange);
    if (status.ok()) status = Check();
    timing->end_ns = NowNs();
    timing->send_ns = exchange.written_ns ? exchange.written_ns - timing->start_ns : 0;
    timing->recv_ns = exchange.first_byte_ns ? timing->end_ns - exchange.first_byte_ns : 0;
    return status;
  }

  void UseSharedMemoryOutputs(std::vector<SharedMemoryOutput> outputs) override {
    shared_outputs_ = std::move(outputs);
  }

 private:
  template <typename Parameters>
  static void SetSharedMemory(const std::string& region, size_t byte_size, Parameters* parameters) {
    (*parameters)["shared_memory_region"].set_string_param(region);
    (*parameters)["shared_memory_byte_size"].set_int64_param(static_cast<int64_t>(byte_size));
  }

  Status Check() const {
    // Outputs written to shared memory have no raw entry, or an empty one.
    if (response_.outputs_size() != response_.raw_output_contents_size() && shared_outputs_.empty()) {
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
  const std::string infer_path_ = MethodPath("ModelInfer");
  std::unique_ptr<GrpcChannel> channel_;
  inference::ModelInferRequest request_;
  inference::ModelInferResponse response_;
  std::string serialized_;
  std::vector<SharedMemoryOutput> shared_outputs_;
};

class GrpcServerClient : public ServerClient {
 public:
  explicit GrpcServerClient(const ClientOptions& options) : options_(options), channel_(NewChannel(options)) {}

  Status ServerExtensions(std::vector<std::string>* extensions) override {
    inference::ServerMetadataResponse response;
    Status s = Call("ServerMetadata", inference::ServerMetadataRequest(), &response);
    if (!s.ok()) return s;
    extensions->assign(response.extensions().begin(), response.extensions().end());
    return Status::Ok();
  }

  Status GetModelInfo(ModelInfo* model) override {
    inference::ModelConfigRequest config_request;
    config_request.set_name(options_.model);
    config_request.set_version(options_.version);
    inference::ModelConfigResponse config;
    if (Status s = Call("ModelConfig", config_request, &config); !s.ok()) return s;

    inference::ModelMetadataRequest metadata_request;
    metadata_request.set_name(options_.model);
    metadata_request.set_version(options_.version);
    inference::ModelMetadataResponse metadata;
    if (Status s = Call("ModelMetadata", metadata_request, &metadata); !s.ok()) return s;

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
    if (Status s = Call("ModelStatistics", request, &response); !s.ok()) return s;
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

  Status RegisterSystemSharedMemory(const std::string& name, const std::string& key, size_t byte_size) override {
    inference::SystemSharedMemoryRegisterRequest request;
    request.set_name(name);
    request.set_key(key);
    request.set_offset(0);
    request.set_byte_size(byte_size);
    inference::SystemSharedMemoryRegisterResponse response;
    return Call("SystemSharedMemoryRegister", request, &response);
  }

  Status UnregisterSystemSharedMemory(const std::string& name) override {
    inference::SystemSharedMemoryUnregisterRequest request;
    request.set_name(name);
    inference::SystemSharedMemoryUnregisterResponse response;
    return Call("SystemSharedMemoryUnregister", request, &response);
  }

 private:
  Status Call(std::string_view rpc, const google::protobuf::MessageLite& request,
              google::protobuf::MessageLite* response) {
    return Unary(channel_.get(), rpc, MethodPath(rpc), request, &serialized_, response);
  }

  const ClientOptions options_;
  std::unique_ptr<GrpcChannel> channel_;
  std::string serialized_;
};

}  // namespace

std::unique_ptr<ServerClient> MakeGrpcServerClient(const ClientOptions& options) {
  return std::make_unique<GrpcServerClient>(options);
}

}  // namespace inferd::perf
