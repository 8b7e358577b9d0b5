// GrpcEchoTest: the real gRPC server over a small in-test model, for tests
// that talk to it with grpc++ client stubs. The model "echo" (4 instances)
// returns INPUT0 as OUTPUT0 after sleeping INPUT0 milliseconds, so a test can
// make requests finish out of order or still run when the server stops; it
// refuses negative values.
#pragma once

#include <gtest/gtest.h>
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "backends/backend_registry.h"
#include "core/server.h"
#include "frontend/grpc/grpc_server.h"
#include "grpc_service.grpc.pb.h"
#include "repository/model_manager.h"

namespace inferd {

class GrpcEchoTest : public ::testing::Test {
 protected:
  // Executions begun, so a test can wait until its call is running.
  static inline std::atomic<int> executions_started{0};

  class SleepingEcho : public ModelInstance {
   public:
    Status Execute(const std::vector<Tensor>& inputs, const std::vector<std::string>& output_names,
                   std::vector<Tensor>* outputs) override {
      ++executions_started;
      float value;
      std::memcpy(&value, inputs[0].data.data(), sizeof(value));
      if (value < 0) return Status::Internal("echo refuses negative input " + std::to_string(value));
      std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(value)));
      outputs->push_back(Tensor{output_names[0], DataType::kFp32, inputs[0].shape, inputs[0].data});
      return Status::Ok();
    }
  };

  class SleepingEchoBackend : public Backend {
   public:
    std::string_view name() const override { return "echo"; }
    Status AutoCompleteConfig(const ModelSpec&, inference::ModelConfig*) override { return Status::Ok(); }
    Status CreateInstance(const ModelSpec&, const InstanceSpec&, std::unique_ptr<ModelInstance>* out) override {
      *out = std::make_unique<SleepingEcho>();
      return Status::Ok();
    }
  };

  // Loads the model; the gRPC server starts with StartGrpc.
  void SetUp() override {
    repo_ = std::filesystem::temp_directory_path() / ("inferd_grpc_echo_" + std::to_string(::getpid()));
    std::filesystem::create_directories(repo_ / "echo" / "1");
    std::ofstream(repo_ / "echo" / "1" / "model.echo") << "";
    std::ofstream(repo_ / "echo" / "config.pbtxt") << R"(
      backend: "echo"
      input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 1 ] } ]
      output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 1 ] } ]
      instance_group [ { count: 4 kind: KIND_CPU } ])";
    backends_.Register("echo", [](const BackendSettings&, std::unique_ptr<Backend>* out) {
      *out = std::make_unique<SleepingEchoBackend>();
      return Status::Ok();
    });
    ModelManagerOptions options;
    options.repositories = {repo_.string()};
    models_ = std::make_unique<ModelManager>(options, &backends_);
    ASSERT_TRUE(models_->LoadAll().ok());
    server_ = std::make_unique<Server>(ServerOptions{}, models_.get());
  }

  void StartGrpc(int threads = 1, int busy_poll_us = 0) {
    GrpcServerOptions grpc_options;
    grpc_options.address = "127.0.0.1";
    grpc_options.port = 0;
    grpc_options.threads = threads;
    grpc_options.busy_poll_us = busy_poll_us;
    grpc_ = std::make_unique<GrpcServer>(grpc_options, server_.get());
    ASSERT_TRUE(grpc_->Start().ok());
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(grpc_->port()), grpc::InsecureChannelCredentials());
    stub_ = inference::GRPCInferenceService::NewStub(channel_);
  }

  void TearDown() override {
    grpc_.reset();
    server_.reset();
    models_.reset();
    std::filesystem::remove_all(repo_);
  }

  // Waits (up to 30 s) until the backend has begun one more execution than `before`.
  static void WaitForExecution(int before) {
    for (int i = 0; i < 3000 && executions_started <= before; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_GT(executions_started, before);
  }

  static inference::ModelInferRequest Request(const std::string& model, float value, const std::string& id = "") {
    inference::ModelInferRequest request;
    request.set_model_name(model);
    request.set_id(id);
    auto* input = request.add_inputs();
    input->set_name("INPUT0");
    input->set_datatype("FP32");
    input->add_shape(1);
    request.add_raw_input_contents(std::string(reinterpret_cast<const char*>(&value), sizeof(value)));
    return request;
  }

  // The echoed value, or -1 when the response has no single FP32 output.
  static float Output(const inference::ModelInferResponse& response) {
    float value = -1;
    if (response.raw_output_contents_size() == 1 && response.raw_output_contents(0).size() == sizeof(value)) {
      std::memcpy(&value, response.raw_output_contents(0).data(), sizeof(value));
    }
    return value;
  }

  std::filesystem::path repo_;
  BackendRegistry backends_{{}};
  std::unique_ptr<ModelManager> models_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<GrpcServer> grpc_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<inference::GRPCInferenceService::Stub> stub_;
};

}  // namespace inferd
