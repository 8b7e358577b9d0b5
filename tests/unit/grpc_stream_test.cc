// ModelStreamInfer through the real gRPC server and grpc++ client stubs, over
// a small in-test backend whose instances finish requests out of order.
#include <gtest/gtest.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "backends/backend_registry.h"
#include "core/server.h"
#include "frontend/grpc/grpc_server.h"
#include "grpc_service.grpc.pb.h"
#include "repository/model_manager.h"

namespace inferd {
namespace {

namespace fs = std::filesystem;

// Echoes INPUT0 to OUTPUT0 after sleeping INPUT0 milliseconds; refuses negative values.
class DelayedEcho : public ModelInstance {
 public:
  Status Execute(const std::vector<Tensor>& inputs, const std::vector<std::string>& output_names,
                 std::vector<Tensor>* outputs) override {
    float value;
    std::memcpy(&value, inputs[0].data.data(), sizeof(value));
    if (value < 0) return Status::Internal("echo refuses negative input " + std::to_string(value));
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(value)));
    outputs->push_back(Tensor{output_names[0], DataType::kFp32, inputs[0].shape, inputs[0].data});
    return Status::Ok();
  }
};

class DelayedEchoBackend : public Backend {
 public:
  std::string_view name() const override { return "echo"; }
  Status AutoCompleteConfig(const ModelSpec&, inference::ModelConfig*) override { return Status::Ok(); }
  Status CreateInstance(const ModelSpec&, const InstanceSpec&, std::unique_ptr<ModelInstance>* out) override {
    *out = std::make_unique<DelayedEcho>();
    return Status::Ok();
  }
};

class GrpcStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_ = fs::temp_directory_path() / ("inferd_grpc_stream_" + std::to_string(::getpid()));
    fs::create_directories(repo_ / "echo" / "1");
    std::ofstream(repo_ / "echo" / "1" / "model.echo") << "";
    std::ofstream(repo_ / "echo" / "config.pbtxt") << R"(
      backend: "echo"
      input [ { name: "INPUT0" data_type: TYPE_FP32 dims: [ 1 ] } ]
      output [ { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 1 ] } ]
      instance_group [ { count: 4 kind: KIND_CPU } ])";
    backends_.Register("echo", [](const BackendSettings&, std::unique_ptr<Backend>* out) {
      *out = std::make_unique<DelayedEchoBackend>();
      return Status::Ok();
    });
    ModelManagerOptions options;
    options.repositories = {repo_.string()};
    models_ = std::make_unique<ModelManager>(options, &backends_);
    ASSERT_TRUE(models_->LoadAll().ok());
    server_ = std::make_unique<Server>(ServerOptions{}, models_.get());
    GrpcServerOptions grpc_options;
    grpc_options.address = "127.0.0.1";
    grpc_options.port = 0;
    grpc_ = std::make_unique<GrpcServer>(grpc_options, server_.get());
    ASSERT_TRUE(grpc_->Start().ok());
    stub_ = inference::GRPCInferenceService::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(grpc_->port()), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    grpc_.reset();
    server_.reset();
    models_.reset();
    fs::remove_all(repo_);
  }

  static inference::ModelInferRequest Request(const std::string& model, const std::string& id, float value) {
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

  fs::path repo_;
  BackendRegistry backends_{{}};
  std::unique_ptr<ModelManager> models_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<GrpcServer> grpc_;
  std::unique_ptr<inference::GRPCInferenceService::Stub> stub_;
};

TEST_F(GrpcStreamTest, ResponsesComeInRequestOrderWithErrorsInline) {
  grpc::ClientContext context;
  auto stream = stub_->ModelStreamInfer(&context);
  // Earlier requests sleep longer, so they finish after later ones.
  const std::vector<float> delays = {80, 60, -1, 40, 0, 20};
  for (size_t i = 0; i < delays.size(); ++i) {
    const char* model = i == 4 ? "no_such_model" : "echo";
    ASSERT_TRUE(stream->Write(Request(model, "req-" + std::to_string(i), delays[i])));
  }
  stream->WritesDone();
  std::vector<inference::ModelStreamInferResponse> responses;
  inference::ModelStreamInferResponse response;
  while (stream->Read(&response)) responses.push_back(response);
  ASSERT_TRUE(stream->Finish().ok());

  ASSERT_EQ(responses.size(), delays.size());
  for (size_t i = 0; i < responses.size(); ++i) {
    EXPECT_EQ(responses[i].infer_response().id(), "req-" + std::to_string(i));
  }
  EXPECT_EQ(responses[2].error_message(), "echo refuses negative input -1.000000");
  EXPECT_EQ(responses[4].error_message(), "Request for unknown model: 'no_such_model' is not found");
  for (size_t i : {0, 1, 3, 5}) {
    const auto& infer = responses[i].infer_response();
    EXPECT_EQ(responses[i].error_message(), "");
    EXPECT_EQ(infer.model_name(), "echo");
    EXPECT_EQ(infer.model_version(), "1");
    ASSERT_EQ(infer.raw_output_contents_size(), 1);
    float echoed;
    std::memcpy(&echoed, infer.raw_output_contents(0).data(), sizeof(echoed));
    EXPECT_EQ(echoed, delays[i]);
    EXPECT_TRUE(infer.parameters().at("triton_final_response").bool_param());
  }
}

TEST_F(GrpcStreamTest, ConcurrentStreamsKeepTheirOwnOrder) {
  constexpr int kStreams = 8;
  constexpr int kRequests = 20;
  std::vector<std::thread> clients;
  std::vector<std::vector<std::string>> received(kStreams);
  for (int s = 0; s < kStreams; ++s) {
    clients.emplace_back([&, s] {
      grpc::ClientContext context;
      auto stream = stub_->ModelStreamInfer(&context);
      for (int r = 0; r < kRequests; ++r) {
        stream->Write(Request("echo", std::to_string(s) + ":" + std::to_string(r), static_cast<float>(r % 3)));
      }
      stream->WritesDone();
      inference::ModelStreamInferResponse response;
      while (stream->Read(&response)) received[s].push_back(response.infer_response().id());
      EXPECT_TRUE(stream->Finish().ok());
    });
  }
  for (auto& client : clients) client.join();
  for (int s = 0; s < kStreams; ++s) {
    ASSERT_EQ(received[s].size(), static_cast<size_t>(kRequests));
    for (int r = 0; r < kRequests; ++r) EXPECT_EQ(received[s][r], std::to_string(s) + ":" + std::to_string(r));
  }
}

TEST_F(GrpcStreamTest, EmptyStreamFinishesOk) {
  grpc::ClientContext context;
  auto stream = stub_->ModelStreamInfer(&context);
  stream->WritesDone();
  inference::ModelStreamInferResponse response;
  EXPECT_FALSE(stream->Read(&response));
  EXPECT_TRUE(stream->Finish().ok());
}

}  // namespace
}  // namespace inferd
