// ModelStreamInfer through the real gRPC server and grpc++ client stubs, over
// an in-test model whose instances finish requests out of order.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "grpc_echo_fixture.h"

namespace inferd {
namespace {

class GrpcStreamTest : public GrpcEchoTest {
 protected:
  void SetUp() override {
    GrpcEchoTest::SetUp();
    StartGrpc();
  }
};

TEST_F(GrpcStreamTest, ResponsesComeInRequestOrderWithErrorsInline) {
  grpc::ClientContext context;
  auto stream = stub_->ModelStreamInfer(&context);
  // Earlier requests sleep longer, so they finish after later ones.
  const std::vector<float> delays = {80, 60, -1, 40, 0, 20};
  for (size_t i = 0; i < delays.size(); ++i) {
    const char* model = i == 4 ? "no_such_model" : "echo";
    ASSERT_TRUE(stream->Write(Request(model, delays[i], "req-" + std::to_string(i))));
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
        stream->Write(Request("echo", static_cast<float>(r % 3), std::to_string(s) + ":" + std::to_string(r)));
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
