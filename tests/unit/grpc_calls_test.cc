// Calls through the real gRPC server (completion queue threads) and grpc++
// client stubs, over a small in-test backend that sleeps as long as its input
// says: answers, errors, the health check, and calls and streams still open
// when the server stops.
#include <gtest/gtest.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "backends/backend_registry.h"
#include "core/server.h"
#include "frontend/grpc/grpc_server.h"
#include "grpc_service.grpc.pb.h"
#include "health.grpc.pb.h"
#include "repository/model_manager.h"

namespace inferd {
namespace {

namespace fs = std::filesystem;

// Executions begun, so a test can wait until its call is running.
std::atomic<int> executions_started{0};

// Echoes INPUT0 to OUTPUT0 after sleeping INPUT0 milliseconds.
class SleepyEcho : public ModelInstance {
 public:
  Status Execute(const std::vector<Tensor>& inputs, const std::vector<std::string>& output_names,
                 std::vector<Tensor>* outputs) override {
    ++executions_started;
    float value;
    std::memcpy(&value, inputs[0].data.data(), sizeof(value));
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(value)));
    outputs->push_back(Tensor{output_names[0], DataType::kFp32, inputs[0].shape, inputs[0].data});
    return Status::Ok();
  }
};

class SleepyEchoBackend : public Backend {
 public:
  std::string_view name() const override { return "echo"; }
  Status AutoCompleteConfig(const ModelSpec&, inference::ModelConfig*) override { return Status::Ok(); }
  Status CreateInstance(const ModelSpec&, const InstanceSpec&, std::unique_ptr<ModelInstance>* out) override {
    *out = std::make_unique<SleepyEcho>();
    return Status::Ok();
  }
};

class GrpcCallsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_ = fs::temp_directory_path() / ("inferd_grpc_calls_" + std::to_string(::getpid()));
    fs::create_directories(repo_ / "echo" / "1");
    std::ofstream(repo_ / "echo" / "1" / "model.echo") << "";
    std::ofstream(repo_ / "echo" / "config.pbtxt") << R"(
      backend: "echo"
      input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 1 ] } ]
      output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 1 ] } ]
      instance_group [ { count: 4 kind: KIND_CPU } ])";
    backends_.Register("echo", [](const BackendSettings&, std::unique_ptr<Backend>* out) {
      *out = std::make_unique<SleepyEchoBackend>();
      return Status::Ok();
    });
    ModelManagerOptions options;
    options.repositories = {repo_.string()};
    models_ = std::make_unique<ModelManager>(options, &backends_);
    ASSERT_TRUE(models_->LoadAll().ok());
    server_ = std::make_unique<Server>(ServerOptions{}, models_.get());
  }

  void StartGrpc(int threads, int busy_poll_us) {
    GrpcServerOptions grpc_options;
    grpc_options.address = "127.0.0.1";
    grpc_options.port = 0;
    grpc_options.threads = threads;
    grpc_options.busy_poll_us = busy_poll_us;
    grpc_ = std::make_unique<GrpcServer>(grpc_options, server_.get());
    ASSERT_TRUE(grpc_->Start().ok());
    stub_ = inference::GRPCInferenceService::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(grpc_->port()), grpc::InsecureChannelCredentials()));
  }

  // Waits (up to 30 s) until the backend has begun one more execution than `before`.
  static void WaitForExecution(int before) {
    for (int i = 0; i < 3000 && executions_started <= before; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_GT(executions_started, before);
  }

  void TearDown() override {
    grpc_.reset();
    server_.reset();
    models_.reset();
    fs::remove_all(repo_);
  }

  static inference::ModelInferRequest Request(const std::string& model, float value) {
    inference::ModelInferRequest request;
    request.set_model_name(model);
    auto* input = request.add_inputs();
    input->set_name("INPUT0");
    input->set_datatype("FP32");
    input->add_shape(1);
    request.add_raw_input_contents(std::string(reinterpret_cast<const char*>(&value), sizeof(value)));
    return request;
  }

  static float Output(const inference::ModelInferResponse& response) {
    float value = -1;
    if (response.raw_output_contents_size() == 1 && response.raw_output_contents(0).size() == sizeof(value)) {
      std::memcpy(&value, response.raw_output_contents(0).data(), sizeof(value));
    }
    return value;
  }

  fs::path repo_;
  BackendRegistry backends_{{}};
  std::unique_ptr<ModelManager> models_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<GrpcServer> grpc_;
  std::unique_ptr<inference::GRPCInferenceService::Stub> stub_;
};

TEST_F(GrpcCallsTest, ConcurrentCallsGetTheirOwnAnswers) {
  for (int threads : {1, 3}) {
    StartGrpc(threads, threads == 1 ? 10000 : 0);
    std::vector<grpc::Status> statuses(32);
    std::vector<float> outputs(32, -1);
    std::vector<std::thread> clients;
    for (int i = 0; i < 32; ++i) {
      clients.emplace_back([&, i] {
        grpc::ClientContext context;
        inference::ModelInferResponse response;
        statuses[i] = stub_->ModelInfer(&context, Request("echo", static_cast<float>(i % 4)), &response);
        outputs[i] = Output(response);
      });
    }
    for (auto& client : clients) client.join();
    for (int i = 0; i < 32; ++i) {
      EXPECT_TRUE(statuses[i].ok()) << statuses[i].error_message();
      EXPECT_EQ(outputs[i], static_cast<float>(i % 4)) << "call " << i << " with " << threads << " threads";
    }
    grpc_.reset();
  }
}

TEST_F(GrpcCallsTest, ErrorsKeepTheirCodeAndMessage) {
  StartGrpc(2, 50);
  grpc::ClientContext context;
  inference::ModelInferResponse response;
  grpc::Status status = stub_->ModelInfer(&context, Request("no_such_model", 0), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(status.error_message().find("no_such_model"), std::string::npos) << status.error_message();
}

TEST_F(GrpcCallsTest, StopLetsACallInFlightAnswer) {
  StartGrpc(2, 50);
  int before = executions_started;
  grpc::Status status;
  float output = -1;
  std::thread client([&] {
    grpc::ClientContext context;
    inference::ModelInferResponse response;
    status = stub_->ModelInfer(&context, Request("echo", 300), &response);
    output = Output(response);
  });
  WaitForExecution(before);
  grpc_->Stop();
  client.join();
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(output, 300);
}

TEST_F(GrpcCallsTest, StopOutlastsACallPastTheShutdownDeadline) {
  // The server cancels the call after its one-second grace; the inference
  // still ends later and must find the call's queue alive.
  StartGrpc(1, 50);
  int before = executions_started;
  grpc::Status status;
  std::thread client([&] {
    grpc::ClientContext context;
    inference::ModelInferResponse response;
    status = stub_->ModelInfer(&context, Request("echo", 1500), &response);
  });
  WaitForExecution(before);
  grpc_->Stop();
  client.join();
  EXPECT_FALSE(status.ok());
}

TEST_F(GrpcCallsTest, HealthCheckAnswersTheServersReadiness) {
  StartGrpc(1, 0);
  auto health = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(grpc_->port()), grpc::InsecureChannelCredentials()));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(health->Check(&context, request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  request.set_service("inference.GRPCInferenceService");  // named or not, the same answer
  grpc::ClientContext named_context;
  ASSERT_TRUE(health->Check(&named_context, request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  server_->SetExiting();
  grpc::ClientContext exiting_context;
  ASSERT_TRUE(health->Check(&exiting_context, request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::NOT_SERVING);
}

TEST_F(GrpcCallsTest, StopEndsAStreamTheClientKeepsOpen) {
  // A client that never half-closes must not keep the server from stopping.
  StartGrpc(1, 50);
  grpc::ClientContext context;
  auto stream = stub_->ModelStreamInfer(&context);
  ASSERT_TRUE(stream->Write(Request("echo", 1)));
  inference::ModelStreamInferResponse response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.error_message(), "");
  EXPECT_EQ(Output(response.infer_response()), 1);
  grpc_->Stop();
  EXPECT_FALSE(stream->Read(&response));
  EXPECT_FALSE(stream->Finish().ok());
}

}  // namespace
}  // namespace inferd
