#include "backends/python/stub_metrics.h"

#include <gtest/gtest.h>

namespace inferd {
namespace {

// Handles one message given as JSON text; returns the reply parsed (an empty
// object when there is none).
rapidjson::Document Send(StubMetrics& metrics, const std::string& json) {
  rapidjson::Document header;
  header.Parse(json.c_str());
  EXPECT_TRUE(header.IsObject()) << json;
  std::optional<std::string> reply = metrics.Handle(header);
  rapidjson::Document parsed;
  parsed.Parse(reply ? reply->c_str() : "{}");
  return parsed;
}

TEST(StubMetrics, CreatesUpdatesAndReadsBack) {
  CustomMetricRegistry registry;
  StubMetrics metrics(&registry);
  auto reply = Send(metrics, R"({"type":"metric","op":"family","request_id":1,"name":"hits",
                                 "description":"Hits","kind":"COUNTER"})");
  EXPECT_EQ(std::string(reply["type"].GetString()), "metric_result");
  EXPECT_EQ(reply["request_id"].GetUint64(), 1u);
  EXPECT_TRUE(reply["ok"].GetBool());
  reply = Send(metrics, R"({"type":"metric","op":"create","request_id":2,"metric_id":7,"family":"hits",
                            "labels":{"route":"a"}})");
  EXPECT_TRUE(reply["ok"].GetBool()) << reply["message"].GetString();
  reply = Send(metrics, R"({"type":"metric","op":"increment","metric_id":7,"value":2.5})");
  EXPECT_TRUE(reply.ObjectEmpty());  // updates are not answered
  reply = Send(metrics, R"({"type":"metric","op":"value","request_id":3,"metric_id":7})");
  EXPECT_TRUE(reply["ok"].GetBool());
  EXPECT_DOUBLE_EQ(reply["value"].GetDouble(), 2.5);

  auto families = registry.Snapshot();
  ASSERT_EQ(families.size(), 1u);
  EXPECT_EQ(families[0].series[0].labels.at("route"), "a");
}

TEST(StubMetrics, NonFiniteValuesTravelAsStrings) {
  CustomMetricRegistry registry;
  StubMetrics metrics(&registry);
  Send(metrics, R"({"op":"family","request_id":1,"name":"g","description":"","kind":"GAUGE"})");
  Send(metrics, R"({"op":"create","request_id":2,"metric_id":1,"family":"g","labels":{}})");
  Send(metrics, R"({"op":"set","metric_id":1,"value":"-Inf"})");
  auto reply = Send(metrics, R"({"op":"value","request_id":3,"metric_id":1})");
  EXPECT_EQ(std::string(reply["value"].GetString()), "-Inf");
}

TEST(StubMetrics, ErrorsAreAnsweredWithTheirMessage) {
  CustomMetricRegistry registry;
  StubMetrics metrics(&registry);
  Send(metrics, R"({"op":"family","request_id":1,"name":"x","description":"","kind":"COUNTER"})");
  auto reply = Send(metrics, R"({"op":"family","request_id":2,"name":"x","description":"","kind":"GAUGE"})");
  EXPECT_FALSE(reply["ok"].GetBool());
  EXPECT_NE(std::string(reply["message"].GetString()).find("already exists as a counter"), std::string::npos);
  reply = Send(metrics, R"({"op":"create","request_id":3,"metric_id":1,"family":"x","labels":{"a":1}})");
  EXPECT_FALSE(reply["ok"].GetBool());
  reply = Send(metrics, R"({"op":"value","request_id":4,"metric_id":99})");
  EXPECT_FALSE(reply["ok"].GetBool());
  reply = Send(metrics, R"({"op":"family","request_id":5,"name":"y","description":"","kind":"SUMMARY"})");
  EXPECT_FALSE(reply["ok"].GetBool());
}

TEST(StubMetrics, WhatAStubHeldGoesWithIt) {
  CustomMetricRegistry registry;
  auto metrics = std::make_unique<StubMetrics>(&registry);
  Send(*metrics, R"({"op":"family","request_id":1,"name":"h","description":"","kind":"HISTOGRAM"})");
  auto reply = Send(*metrics, R"({"op":"create","request_id":2,"metric_id":1,"family":"h","labels":{},
                                  "buckets":[1,2]})");
  ASSERT_TRUE(reply["ok"].GetBool()) << reply["message"].GetString();
  Send(*metrics, R"({"op":"observe","metric_id":1,"value":1.5})");
  ASSERT_EQ(registry.Snapshot().size(), 1u);
  EXPECT_EQ(registry.Snapshot()[0].series[0].count, 1u);
  metrics.reset();
  EXPECT_TRUE(registry.Snapshot().empty());
}

TEST(StubMetrics, WithoutARegistryEveryRequestFails) {
  StubMetrics metrics(nullptr);
  auto reply = Send(metrics, R"({"op":"family","request_id":1,"name":"x","description":"","kind":"COUNTER"})");
  EXPECT_FALSE(reply["ok"].GetBool());
}

}  // namespace
}  // namespace inferd
