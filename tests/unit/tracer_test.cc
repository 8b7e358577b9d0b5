// Trace settings and the tracer: sampling, counts, overrides, and the files written.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/tracer.h"

namespace inferd {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TraceSettingsChange Change(const std::vector<std::pair<std::string, std::vector<std::string>>>& settings) {
  TraceSettingsChange change;
  for (const auto& [key, values] : settings) EXPECT_TRUE(AddTraceSetting(key, values, false, &change).ok()) << key;
  return change;
}

class TracerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("tracer_test_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    settings_.file = (dir_ / "trace.json").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  TraceSettings settings_;
};

TEST_F(TracerTest, NothingIsSampledWhileOffOrWithoutAFile) {
  Tracer off(settings_);
  EXPECT_EQ(off.Sample("m"), nullptr);
  TraceSettings no_file;
  no_file.level.timestamps = true;
  no_file.rate = 1;
  Tracer without_file(no_file);
  EXPECT_EQ(without_file.Sample("m"), nullptr);
}

TEST_F(TracerTest, RateCountsEachModelsRequestsAndCountStopsTracing) {
  settings_.level.timestamps = true;
  settings_.rate = 3;
  settings_.count = 2;
  Tracer tracer(settings_);
  std::vector<int> traced;
  for (int i = 1; i <= 12; ++i) {
    if (tracer.Sample("a")) traced.push_back(i);
  }
  EXPECT_EQ(traced, (std::vector<int>{3, 6}));
  EXPECT_EQ(tracer.Settings("").count, 0);
}

TEST_F(TracerTest, ModelOverridesFollowTheGlobalSettingsTheyDoNotSet) {
  Tracer tracer(settings_);
  tracer.Update("a", Change({{"trace_level", {"TENSORS"}}, {"trace_rate", {"1"}}}));
  tracer.Update("", Change({{"trace_count", {"7"}}, {"trace_rate", {"50"}}}));
  TraceSettings a = tracer.Settings("a");
  EXPECT_TRUE(a.level.tensors);
  EXPECT_FALSE(a.level.timestamps);
  EXPECT_EQ(a.rate, 1);
  EXPECT_EQ(a.count, 7);
  EXPECT_EQ(tracer.Settings("b").rate, 50);
  ASSERT_NE(tracer.Sample("a"), nullptr);
  EXPECT_EQ(tracer.Sample("b"), nullptr);  // OFF globally
  EXPECT_EQ(tracer.Settings("").count, 6);  // a's trace took from the global count

  TraceSettingsChange clear_rate;
  ASSERT_TRUE(AddTraceSetting("trace_rate", {}, true, &clear_rate).ok());
  tracer.Update("a", clear_rate);
  EXPECT_EQ(tracer.Settings("a").rate, 50);
  TraceSettingsChange clear_all;
  clear_all.clear_all = true;
  tracer.Update("a", clear_all);
  EXPECT_TRUE(tracer.Settings("a").level.off());
}

TEST_F(TracerTest, ClearingAGlobalSettingRestoresItsStartUpValue) {
  settings_.rate = 10;
  Tracer tracer(settings_);
  tracer.Update("", Change({{"trace_rate", {"2"}}}));
  TraceSettingsChange clear;
  ASSERT_TRUE(AddTraceSetting("trace_rate", {}, true, &clear).ok());
  tracer.Update("", clear);
  EXPECT_EQ(tracer.Settings("").rate, 10);
}

TEST_F(TracerTest, TracesGoToNumberedFilesEveryLogFrequencyAndTheRestAtTheEnd) {
  settings_.level.timestamps = true;
  settings_.level.tensors = true;
  settings_.rate = 1;
  settings_.log_frequency = 2;
  {
    Tracer tracer(settings_);
    for (int i = 0; i < 3; ++i) {
      auto trace = tracer.Sample("m");
      ASSERT_NE(trace, nullptr);
      trace->Describe("m", 1, i == 0 ? "first" : "");
      trace->Timestamp("REQUEST_START", 100 + i);
      float values[2] = {1.5f, -2.0f};
      std::string bytes(reinterpret_cast<const char*>(values), sizeof(values));
      Tensor tensor{"IN", DataType::kFp32, {1, 2}, Buffer::FromString(bytes)};
      trace->AddTensor("TENSOR_QUEUE_INPUT", tensor);
      trace.reset();  // complete: it joins the traces to be written
    }
  }  // the tracer writes the rest and waits for its writers
  std::string first = ReadFile(settings_.file + ".0");
  EXPECT_NE(first.find(R"({"id":1,"model_name":"m","model_version":1,"request_id":"first"})"), std::string::npos);
  EXPECT_NE(first.find(R"({"id":2,"timestamps":[{"name":"REQUEST_START","ns":101}]})"), std::string::npos);
  EXPECT_NE(first.find(R"("tensor":{"name":"IN","data":"1.5,-2","shape":"1,2","dtype":"FP32"})"),
            std::string::npos);
  EXPECT_EQ(first.front(), '[');
  std::string rest = ReadFile(settings_.file + ".1");
  EXPECT_NE(rest.find(R"("id":3)"), std::string::npos);
  EXPECT_EQ(rest.find(R"("id":2)"), std::string::npos);
}

TEST(TraceSettings, ValuesAreCheckedAndNamed) {
  TraceSettingsChange change;
  EXPECT_EQ(AddTraceSetting("trace_level", {"OFF", "TENSORS"}, false, &change).message(),
            "'trace_level' OFF cannot be given with other levels");
  EXPECT_EQ(AddTraceSetting("trace_rate", {"1x"}, false, &change).message(),
            "'trace_rate' must be a positive integer, got '1x'");
  EXPECT_EQ(AddTraceSetting("trace_count", {"-1", "2"}, false, &change).message(),
            "'trace_count' takes one value, got 2");
  EXPECT_EQ(AddTraceSetting("trace_file", {"x"}, false, &change).code(), StatusCode::kUnsupported);
  EXPECT_TRUE(AddTraceSetting("trace_file", {}, true, &change).ok());  // null: nothing to change
  EXPECT_EQ(AddTraceSetting("rate", {"1"}, false, &change).message(), "unknown trace setting 'rate'");
  EXPECT_TRUE(change.set.empty());
}

TEST(TraceSettings, CommandLineForms) {
  TraceSettings settings;
  std::vector<std::string> levels;
  ASSERT_TRUE(ApplyTraceConfig("triton,file=/tmp/t.json", &settings, &levels).ok());
  ASSERT_TRUE(ApplyTraceConfig("triton,log-frequency=5", &settings, &levels).ok());
  ASSERT_TRUE(ApplyTraceConfig("rate=3", &settings, &levels).ok());
  ASSERT_TRUE(ApplyTraceConfig("count=-1", &settings, &levels).ok());
  ASSERT_TRUE(ApplyTraceConfig("level=TIMESTAMPS", &settings, &levels).ok());
  ASSERT_TRUE(ApplyTraceConfig("mode=triton", &settings, &levels).ok());
  EXPECT_EQ(settings.file, "/tmp/t.json");
  EXPECT_EQ(settings.log_frequency, 5);
  EXPECT_EQ(settings.rate, 3);
  EXPECT_EQ(levels, std::vector<std::string>{"TIMESTAMPS"});
  EXPECT_EQ(ApplyTraceConfig("opentelemetry,url=x", &settings, &levels).message(),
            "--trace-config 'opentelemetry,url=x': the opentelemetry trace mode is not supported; inferd traces in "
            "mode 'triton'");
  EXPECT_EQ(ApplyTraceConfig("file=/x", &settings, &levels).message(),
            "--trace-config 'file=/x': unknown setting 'file' (global settings: level, rate, count, mode)");
  EXPECT_FALSE(ApplyTraceConfig("rate", &settings, &levels).ok());
}

}  // namespace
}  // namespace inferd
