// Calls through the real gRPC server (completion queue threads) and grpc++
// client stubs, over an in-test model that sleeps as long as its input says:
// answers, errors, the health check, and calls and streams still open when the
// server stops.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "grpc_echo_fixture.h"
#include "health.grpc.pb.h"

namespace inferd {
namespace {

using GrpcCallsTest = GrpcEchoTest;

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
  auto health = grpc::health::v1::Health::NewStub(channel_);
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
