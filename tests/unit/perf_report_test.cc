// inferd-perf: server statistics differences, KServe JSON replies, the HTTP
// inference body, addresses, and the CSV and JSON reports.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include "perf/http_infer_body.h"
#include "perf/kserve_json.h"
#include "perf/options.h"
#include "perf/report.h"
#include "perf/server_stats.h"

namespace inferd::perf {
namespace {

std::string StatsJson(uint64_t count, uint64_t queue_ns, uint64_t infer_ns) {
  auto d = [](uint64_t c, uint64_t ns) {
    return "{\"count\":" + std::to_string(c) + ",\"ns\":" + std::to_string(ns) + "}";
  };
  return R"({"model_stats":[{"name":"m","version":"1","last_inference":0,"inference_count":)" +
         std::to_string(count) + R"(,"execution_count":)" + std::to_string(count) +
         R"(,"inference_stats":{"success":)" +
         d(count, 10 * count) + R"(,"fail":)" + d(0, 0) + R"(,"queue":)" + d(count, queue_ns) +
         R"(,"compute_input":)" + d(count, 1000 * count) + R"(,"compute_infer":)" + d(count, infer_ns) +
         R"(,"compute_output":)" + d(count, 0) + R"(,"cache_hit":)" + d(0, 0) + R"(,"cache_miss":)" + d(0, 0) +
         R"(},"batch_stats":[],"memory_usage":[],"response_stats":{}},)" +
         R"({"name":"other","version":"1","inference_count":5,"execution_count":5,"inference_stats":{}}]})";
}

TEST(PerfServerStats, DiffOfSnapshotsGivesAveragesPerRequest) {
  ModelStatsSnapshot before, after;
  ASSERT_TRUE(ParseStatsJson(StatsJson(10, 50'000, 100'000), "m", "", &before).ok());
  Status status = ParseStatsJson(StatsJson(30, 250'000, 700'000), "m", "1", &after);
  ASSERT_TRUE(status.ok()) << status.message();
  StatsDelta delta = Diff(before, after);
  EXPECT_EQ(delta.inference_count, 20u);
  EXPECT_EQ(delta.queue.count, 20u);
  ServerAverages averages = Averages(delta);
  EXPECT_DOUBLE_EQ(averages.queue_us, 10.0);          // 200 µs over 20 requests
  EXPECT_DOUBLE_EQ(averages.compute_infer_us, 30.0);  // 600 µs over 20
  EXPECT_DOUBLE_EQ(averages.compute_input_us, 1.0);
  EXPECT_DOUBLE_EQ(averages.compute_output_us, 0.0);
  delta += delta;
  EXPECT_DOUBLE_EQ(Averages(delta).queue_us, 10.0);
  EXPECT_DOUBLE_EQ(Averages(StatsDelta{}).queue_us, 0.0);  // no request: no division by zero
}

TEST(PerfServerStats, ParseErrors) {
  ModelStatsSnapshot snapshot;
  EXPECT_FALSE(ParseStatsJson("[]", "m", "", &snapshot).ok());
  EXPECT_FALSE(ParseStatsJson(StatsJson(1, 1, 1), "absent", "", &snapshot).ok());
  EXPECT_FALSE(ParseStatsJson(StatsJson(1, 1, 1), "m", "2", &snapshot).ok());
  EXPECT_FALSE(ParseStatsJson(StatsJson(1, 1, 1), "other", "", &snapshot).ok());  // lacks durations
}

TEST(PerfServerStats, CountersGoingBackwardsGiveZero) {
  ModelStatsSnapshot before, after;
  before.queue = {10, 1000};
  StatsDelta delta = Diff(before, after);
  EXPECT_EQ(delta.queue.count, 0u);
  EXPECT_EQ(delta.queue.ns, 0u);
}

TEST(PerfKserveJson, MetadataConfigAndErrors) {
  std::vector<std::string> extensions;
  ASSERT_TRUE(ParseServerExtensions(R"({"name":"triton","extensions":["statistics","x"]})", &extensions).ok());
  EXPECT_EQ(extensions, (std::vector<std::string>{"statistics", "x"}));
  int64_t max_batch_size = -1;
  ASSERT_TRUE(ParseMaxBatchSize(R"({"name":"m","max_batch_size":8})", &max_batch_size).ok());
  EXPECT_EQ(max_batch_size, 8);
  ASSERT_TRUE(ParseMaxBatchSize(R"({"max_batch_size":"4"})", &max_batch_size).ok());
  EXPECT_EQ(max_batch_size, 4);
  ASSERT_TRUE(ParseMaxBatchSize(R"({"name":"m"})", &max_batch_size).ok());
  EXPECT_EQ(max_batch_size, 0);
  ModelInfo model;
  ASSERT_TRUE(ParseModelMetadata(R"({"name":"m","inputs":[{"name":"A","datatype":"FP32","shape":[-1,16]}],
                                     "outputs":[{"name":"B","datatype":"BYTES","shape":[-1,-1]}]})",
                                 8, &model)
                  .ok());
  ASSERT_EQ(model.inputs.size(), 1u);
  EXPECT_EQ(model.inputs[0].shape, (std::vector<int64_t>{16}));
  EXPECT_EQ(model.outputs[0].shape, (std::vector<int64_t>{-1}));
  EXPECT_FALSE(ParseModelMetadata(R"({"name":"m"})", 0, &model).ok());
  EXPECT_EQ(ErrorMessageOf(R"({"error":"Request for unknown model"})"), "Request for unknown model");
  EXPECT_EQ(ErrorMessageOf("not json"), "");
}

InferPayload OneInput() {
  InferPayload payload;
  payload.inputs.push_back({"IN", "FP32", {1, 2}, std::string(8, '\0'), ""});
  return payload;
}

TEST(PerfHttpInferBody, BinaryInputsFollowTheJsonHeader) {
  HttpInferBody body;
  ASSERT_TRUE(BuildHttpInferBody(OneInput(), false, false, {}, &body).ok());
  rapidjson::Document json;
  json.Parse(body.json.c_str());
  ASSERT_FALSE(json.HasParseError()) << body.json;
  EXPECT_EQ(json["inputs"][0]["parameters"]["binary_data_size"].GetInt(), 8);
  EXPECT_TRUE(json["parameters"]["binary_data_output"].GetBool());
  ASSERT_EQ(body.blobs.size(), 1u);
  EXPECT_EQ(body.blobs[0].size(), 8u);
}

TEST(PerfHttpInferBody, JsonInputsCarryTheirData) {
  HttpInferBody body;
  ASSERT_TRUE(BuildHttpInferBody(OneInput(), true, true, {}, &body).ok());
  rapidjson::Document json;
  json.Parse(body.json.c_str());
  ASSERT_FALSE(json.HasParseError()) << body.json;
  EXPECT_EQ(json["inputs"][0]["data"].Size(), 2u);
  EXPECT_FALSE(json["inputs"][0].HasMember("parameters"));
  EXPECT_FALSE(json["parameters"]["binary_data_output"].GetBool());
  EXPECT_TRUE(body.blobs.empty());
}

TEST(PerfHttpInferBody, SharedMemoryNamesRegionsInsteadOfData) {
  InferPayload payload = OneInput();
  payload.inputs[0].shm_region = "in0";
  HttpInferBody body;
  ASSERT_TRUE(BuildHttpInferBody(payload, false, false, {{"OUT", "out0", 4096}}, &body).ok());
  rapidjson::Document json;
  json.Parse(body.json.c_str());
  ASSERT_FALSE(json.HasParseError()) << body.json;
  EXPECT_STREQ(json["inputs"][0]["parameters"]["shared_memory_region"].GetString(), "in0");
  EXPECT_EQ(json["inputs"][0]["parameters"]["shared_memory_byte_size"].GetInt(), 8);
  EXPECT_STREQ(json["outputs"][0]["name"].GetString(), "OUT");
  EXPECT_STREQ(json["outputs"][0]["parameters"]["shared_memory_region"].GetString(), "out0");
  EXPECT_EQ(json["outputs"][0]["parameters"]["shared_memory_byte_size"].GetInt(), 4096);
  EXPECT_FALSE(json.HasMember("parameters"));
  EXPECT_TRUE(body.blobs.empty());
  HttpResponse reply;
  reply.status = 200;
  reply.body = R"({"outputs":[{"name":"OUT","datatype":"FP32","shape":[1,2]}]})";
  EXPECT_TRUE(CheckHttpInferResponse(reply, true).ok());
  EXPECT_FALSE(CheckHttpInferResponse(reply, false).ok());
}

TEST(PerfHttpInferBody, ChecksReplies) {
  HttpResponse ok;
  ok.status = 200;
  std::string header =
      R"({"outputs":[{"name":"O","datatype":"FP32","shape":[1],"parameters":{"binary_data_size":4}}]})";
  ok.body = header + "abcd";
  ok.headers["inference-header-content-length"] = std::to_string(header.size());
  EXPECT_TRUE(CheckHttpInferResponse(ok, false).ok());
  HttpResponse short_body = ok;
  short_body.body.pop_back();
  EXPECT_FALSE(CheckHttpInferResponse(short_body, false).ok());
  HttpResponse json_reply;
  json_reply.status = 200;
  json_reply.body = R"({"outputs":[{"name":"O","datatype":"FP32","shape":[1],"data":[1.0]}]})";
  EXPECT_TRUE(CheckHttpInferResponse(json_reply, false).ok());
  HttpResponse error;
  error.status = 400;
  error.body = R"({"error":"unexpected shape for input 'IN'"})";
  Status status = CheckHttpInferResponse(error, false);
  EXPECT_EQ(status.message(), "server replied 400: unexpected shape for input 'IN'");
}

TEST(PerfOptions, Urls) {
  std::string host, port;
  ASSERT_TRUE(ParseUrl("localhost:8000", "1", &host, &port).ok());
  EXPECT_EQ(host + " " + port, "localhost 8000");
  ASSERT_TRUE(ParseUrl("http://10.0.0.1:9000/", "1", &host, &port).ok());
  EXPECT_EQ(host + " " + port, "10.0.0.1 9000");
  ASSERT_TRUE(ParseUrl("example", "8001", &host, &port).ok());
  EXPECT_EQ(host + " " + port, "example 8001");
  ASSERT_TRUE(ParseUrl("[::1]:8000", "1", &host, &port).ok());
  EXPECT_EQ(host + " " + port, "::1 8000");
  EXPECT_FALSE(ParseUrl("host:port", "1", &host, &port).ok());
  EXPECT_FALSE(ParseUrl(":8000", "1", &host, &port).ok());
  EXPECT_FALSE(ParseUrl("host:99999", "1", &host, &port).ok());
  EXPECT_FALSE(ParseUrl("host:123456789012345678901234", "1", &host, &port).ok());
}

ReportRow Row(double level, bool stats) {
  LevelResult result;
  result.level = level;
  result.trials = 3;
  result.stable = true;
  result.has_server_stats = stats;
  result.summary.requests = 100;
  result.summary.inferences_per_second = 1234.5678;
  result.summary.avg_latency_us = 500;
  result.summary.p50_latency_us = 450;
  result.summary.p90_latency_us = 600;
  result.summary.p95_latency_us = 700;
  result.summary.p99_latency_us = 900.4;
  result.summary.client_send_us = 20;
  result.summary.client_recv_us = 30;
  result.server.queue = {100, 5'000'000};           // 50 µs
  result.server.compute_input = {100, 1'000'000};   // 10 µs
  result.server.compute_infer = {100, 20'000'000};  // 200 µs
  result.server.compute_output = {100, 500'000};    // 5 µs
  return MakeRow(result);
}

TEST(PerfReport, NetworkTimeIsWhatClientAndServerPhasesLeave) {
  EXPECT_DOUBLE_EQ(Row(1, true).network_server_us, 500 - 20 - 30 - 50 - 10 - 200 - 5);
  EXPECT_DOUBLE_EQ(Row(1, false).network_server_us, 500 - 20 - 30);
  EXPECT_EQ(Row(1, false).server_queue_us, 0);
}

TEST(PerfReport, CsvHasPerfAnalyzerColumns) {
  std::string csv = CsvReport({Row(1, true), Row(2, true)}, LoadMode::kConcurrency);
  EXPECT_EQ(csv,
            "Concurrency,Inferences/Second,Client Send,Network+Server Send/Recv,Server Queue,Server Compute Input,"
            "Server Compute Infer,Server Compute Output,Client Recv,p50 latency,p90 latency,p95 latency,"
            "p99 latency,Avg latency\n"
            "1,1234.57,20,185,50,10,200,5,30,450,600,700,900,500\n"
            "2,1234.57,20,185,50,10,200,5,30,450,600,700,900,500\n");
  std::string rate = CsvReport({Row(12.5, false)}, LoadMode::kRequestRate);
  EXPECT_EQ(rate.substr(0, rate.find(',')), "Request Rate");
  EXPECT_NE(rate.find("\n12.5,1234.57,20,450,0,0,0,0,30,"), std::string::npos) << rate;
}

TEST(PerfReport, JsonHasTheSameNumbers) {
  RunDescription run;
  run.model = "m";
  run.protocol = "grpc";
  run.mode = LoadMode::kConcurrency;
  std::string text = JsonReport(run, {Row(4, true), Row(8, false)});
  rapidjson::Document json;
  json.Parse(text.c_str());
  ASSERT_FALSE(json.HasParseError()) << text;
  EXPECT_STREQ(json["mode"].GetString(), "concurrency");
  EXPECT_TRUE(json["error"].IsNull());
  const auto& first = json["results"][0];
  EXPECT_EQ(first["concurrency"].GetInt(), 4);
  EXPECT_DOUBLE_EQ(first["server_queue_us"].GetDouble(), 50);
  EXPECT_DOUBLE_EQ(first["p99_latency_us"].GetDouble(), 900.4);
  EXPECT_EQ(first["requests"].GetInt(), 100);
  EXPECT_TRUE(json["results"][1]["server_queue_us"].IsNull());
}

TEST(PerfReport, TableMarksMissingStatisticsAndInstability) {
  ReportRow unstable = Row(2, false);
  unstable.stable = false;
  std::string table = TableReport({Row(1, true), unstable}, LoadMode::kConcurrency);
  EXPECT_EQ(table.rfind("Concurrency", 0), 0u) << table;
  EXPECT_NE(table.find("2*"), std::string::npos) << table;
  EXPECT_NE(table.find(" - "), std::string::npos) << table;
  EXPECT_NE(TableReport({Row(100, true)}, LoadMode::kRequestRate).find("Dropped"), std::string::npos);
}

}  // namespace
}  // namespace inferd::perf
