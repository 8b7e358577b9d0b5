#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/config_defaults.h"
#include "config/config_json.h"
#include "config/config_reader.h"
#include "config/config_validator.h"
#include "config/platform_resolver.h"
#include "repository/version_policy.h"

namespace inferd {
namespace {

namespace fs = std::filesystem;

inference::ModelConfig Parse(const std::string& text) {
  inference::ModelConfig config;
  Status status = ParseModelConfigText("config.pbtxt", text, &config);
  EXPECT_TRUE(status.ok()) << status.message();
  return config;
}

// A scratch model folder removed at the end of the test.
class ModelDir {
 public:
  explicit ModelDir(const std::string& name) : path_(fs::temp_directory_path() / ("inferd_test_" + name)) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~ModelDir() { fs::remove_all(path_); }
  void Touch(const std::string& relative) {
    fs::create_directories((path_ / relative).parent_path());
    std::ofstream(path_ / relative) << "x";
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

TEST(ConfigReader, ParsesTritonTextFormat) {
  auto config = Parse(R"(
    name: "densenet"  # comment
    platform: "onnxruntime_onnx"
    max_batch_size: 8
    input [ { name: "data_0" data_type: TYPE_FP32 format: FORMAT_NCHW dims: [ 3, 224, 224 ] } ]
    output { name: "fc6_1" data_type: TYPE_FP32 dims: [ 1000 ] label_filename: "labels.txt" }
    instance_group [ { count: 2 kind: KIND_CPU } ]
    dynamic_batching { preferred_batch_size: [ 4, 8 ] max_queue_delay_microseconds: 100 }
    parameters { key: "intra_op_thread_count" value: { string_value: "1" } }
    version_policy: { specific: { versions: [1, 3] } }
  )");
  EXPECT_EQ(config.name(), "densenet");
  EXPECT_EQ(config.input(0).dims_size(), 3);
  EXPECT_EQ(config.input(0).format(), inference::ModelInput::FORMAT_NCHW);
  EXPECT_EQ(config.output(0).label_filename(), "labels.txt");
  EXPECT_EQ(config.dynamic_batching().preferred_batch_size(1), 8);
  EXPECT_EQ(config.parameters().at("intra_op_thread_count").string_value(), "1");
  EXPECT_EQ(config.version_policy().specific().versions_size(), 2);
}

TEST(ConfigReader, SyntaxErrorNamesFileLineAndColumn) {
  inference::ModelConfig config;
  Status status = ParseModelConfigText("models/m/config.pbtxt", "name: \"m\"\nmax_batch_size: eight\n", &config);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("models/m/config.pbtxt"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("line 2"), std::string::npos) << status.message();
}

TEST(ConfigReader, UnknownFieldIsAnError) {
  inference::ModelConfig config;
  Status status = ParseModelConfigText("c.pbtxt", "name: \"m\"\nmax_batch: 4\n", &config);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("max_batch"), std::string::npos) << status.message();
}

TEST(ConfigValidator, RejectsBadDimsNamingTensorAndValue) {
  auto config = Parse(R"(name: "m" backend: "onnxruntime"
    input { name: "x" data_type: TYPE_FP32 dims: [ 3, 0 ] })");
  Status status = ValidateModelConfig(config);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message(), "input 'x' has invalid dims [3,0]: each dimension must be -1 or at least 1");
}

TEST(ConfigValidator, RejectsMissingDataType) {
  auto config = Parse(R"(name: "m" output { name: "y" dims: [ 4 ] })");
  EXPECT_EQ(ValidateModelConfig(config).message(), "output 'y' must specify 'data_type'");
}

TEST(ConfigValidator, RejectsPreferredBatchSizeAboveMax) {
  auto config = Parse(R"(name: "m" max_batch_size: 4 dynamic_batching { preferred_batch_size: [ 8 ] })");
  EXPECT_EQ(ValidateModelConfig(config).message(),
            "dynamic_batching preferred_batch_size 8 must be between 1 and max_batch_size (4)");
}

TEST(ConfigValidator, RejectsDefaultPriorityLevelOutsideTheLevels) {
  auto config = Parse(R"(name: "m" max_batch_size: 4 dynamic_batching { priority_levels: 2 default_priority_level: 3 })");
  EXPECT_EQ(ValidateModelConfig(config).message(),
            "dynamic_batching default_priority_level must be in the range [1, 2], got 3");
}

TEST(ConfigValidator, RejectsQueuePolicyForAMissingLevel) {
  auto config = Parse(R"(name: "m" max_batch_size: 4 dynamic_batching {
    priority_levels: 2 default_priority_level: 1
    priority_queue_policy { key: 5 value: { max_queue_size: 3 } } })");
  EXPECT_EQ(ValidateModelConfig(config).message(),
            "dynamic_batching priority_queue_policy is given for level 5, but priority levels are 1 to 2");
}

TEST(ConfigValidator, PreserveOrderingAllowsOneLevelAndNoDelay) {
  auto levels = Parse(R"(name: "m" max_batch_size: 4 dynamic_batching {
    preserve_ordering: true priority_levels: 2 default_priority_level: 1 })");
  EXPECT_EQ(ValidateModelConfig(levels).message(), "Only one priority level is allowed when 'preserve_ordering' is true");
  auto delay = Parse(R"(name: "m" max_batch_size: 4 dynamic_batching {
    preserve_ordering: true default_queue_policy { timeout_action: DELAY } })");
  EXPECT_EQ(ValidateModelConfig(delay).message(),
            "Queue policy can not have DELAY as timeout action when 'preserve_ordering' is true");
}

TEST(ConfigValidator, RejectsNegativeMaxBatchSize) {
  auto config = Parse(R"(name: "m" max_batch_size: -2)");
  EXPECT_EQ(ValidateModelConfig(config).message(), "'max_batch_size' must be non-negative, got -2");
}

TEST(ConfigValidator, RejectsReshapeWithDifferentElementCount) {
  auto config = Parse(R"(name: "m" input { name: "x" data_type: TYPE_FP32 dims: [ 6 ] reshape { shape: [ 2, 2 ] } })");
  EXPECT_EQ(ValidateModelConfig(config).message(),
            "input 'x' reshape [2,2] has a different element count than dims [6]");
}

TEST(ConfigDefaults, FillsTritonDefaults) {
  auto config = Parse(R"(name: "m" backend: "onnxruntime" max_batch_size: 8 dynamic_batching { })");
  ApplyConfigDefaults(&config);
  EXPECT_EQ(config.version_policy().latest().num_versions(), 1u);
  ASSERT_EQ(config.instance_group_size(), 1);
  EXPECT_EQ(config.instance_group(0).name(), "m");
  EXPECT_EQ(config.instance_group(0).kind(), inference::ModelInstanceGroup::KIND_CPU);
  EXPECT_EQ(config.instance_group(0).count(), 2);  // onnxruntime on CPU
  ASSERT_EQ(config.dynamic_batching().preferred_batch_size_size(), 1);
  EXPECT_EQ(config.dynamic_batching().preferred_batch_size(0), 8);
  EXPECT_TRUE(config.optimization().input_pinned_memory().enable());
}

TEST(PlatformResolver, OnnxFileSelectsOnnxRuntime) {
  ModelDir dir("onnx");
  dir.Touch("1/model.onnx");
  inference::ModelConfig config;
  ASSERT_TRUE(ResolvePlatformAndBackend(dir.path(), &config).ok());
  EXPECT_EQ(config.backend(), "onnxruntime");
  EXPECT_EQ(config.platform(), "onnxruntime_onnx");
  EXPECT_EQ(config.default_model_filename(), "model.onnx");
}

TEST(PlatformResolver, PlatformImpliesBackendAndBack) {
  ModelDir dir("platform");
  inference::ModelConfig by_platform;
  by_platform.set_platform("onnxruntime_onnx");
  ASSERT_TRUE(ResolvePlatformAndBackend(dir.path(), &by_platform).ok());
  EXPECT_EQ(by_platform.backend(), "onnxruntime");
  inference::ModelConfig by_backend;
  by_backend.set_backend("onnxruntime");
  ASSERT_TRUE(ResolvePlatformAndBackend(dir.path(), &by_backend).ok());
  EXPECT_EQ(by_backend.platform(), "onnxruntime_onnx");
}

TEST(PlatformResolver, ContradictionIsRejected) {
  ModelDir dir("contradiction");
  inference::ModelConfig config;
  config.set_backend("onnxruntime");
  config.set_platform("tensorrt_plan");
  EXPECT_EQ(ResolvePlatformAndBackend(dir.path(), &config).message(),
            "backend 'onnxruntime' does not match platform 'tensorrt_plan'");
}

TEST(PlatformResolver, EnsembleBackendBecomesEnsemblePlatform) {
  ModelDir dir("ensemble");
  inference::ModelConfig config;
  config.set_backend("ensemble");
  ASSERT_TRUE(ResolvePlatformAndBackend(dir.path(), &config).ok());
  EXPECT_EQ(config.platform(), "ensemble");
  EXPECT_EQ(config.backend(), "");
}

TEST(PlatformResolver, NothingToGoOnIsAnError) {
  ModelDir dir("nothing");
  dir.Touch("1/weights.bin");
  inference::ModelConfig config;
  EXPECT_FALSE(ResolvePlatformAndBackend(dir.path(), &config).ok());
}

TEST(VersionPolicy, LatestAllSpecific) {
  std::vector<int64_t> available = {1, 2, 3, 10};
  inference::ModelVersionPolicy latest;
  latest.mutable_latest()->set_num_versions(2);
  EXPECT_EQ(SelectVersions(latest, available, nullptr), (std::vector<int64_t>{3, 10}));
  inference::ModelVersionPolicy all;
  all.mutable_all();
  EXPECT_EQ(SelectVersions(all, available, nullptr), available);
  inference::ModelVersionPolicy specific;
  specific.mutable_specific()->add_versions(2);
  specific.mutable_specific()->add_versions(7);
  std::vector<int64_t> missing;
  EXPECT_EQ(SelectVersions(specific, available, &missing), (std::vector<int64_t>{2}));
  EXPECT_EQ(missing, (std::vector<int64_t>{7}));
}

TEST(VersionPolicy, OnlyPlainNumbersAreVersions) {
  ModelDir dir("versions");
  for (const char* name : {"1/a", "12/a", "007/a", "v2/a", "configs/a", "0/a"}) dir.Touch(name);
  std::vector<std::string> ignored;
  EXPECT_EQ(ListVersionFolders(dir.path(), &ignored), (std::vector<int64_t>{0, 1, 12}));
  EXPECT_EQ(ignored.size(), 2u);  // 007 and v2
}

TEST(ConfigJson, PrintsDefaultsAndOmitsUnsetMessages) {
  auto config = Parse(R"(name: "m" max_batch_size: 4
    input { name: "x" data_type: TYPE_FP32 dims: [ -1, 16 ] })");
  std::string json = ModelConfigToJson(config);
  EXPECT_NE(json.find("\"name\":\"m\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"dims\":[-1,16]"), std::string::npos) << json;  // int64 as numbers
  EXPECT_NE(json.find("\"data_type\":\"TYPE_FP32\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"output\":[]"), std::string::npos) << json;
  EXPECT_NE(json.find("\"parameters\":{}"), std::string::npos) << json;
  EXPECT_NE(json.find("\"default_model_filename\":\"\""), std::string::npos) << json;
  EXPECT_EQ(json.find("dynamic_batching"), std::string::npos) << json;
  EXPECT_EQ(json.find("sequence_batching"), std::string::npos) << json;
}

TEST(ConfigJson, PrintsEmptyDynamicBatchingWhenSet) {
  auto config = Parse(R"(name: "m" dynamic_batching { })");
  std::string json = ModelConfigToJson(config);
  EXPECT_NE(json.find("\"dynamic_batching\":{\"preferred_batch_size\":[]"), std::string::npos) << json;
}

}  // namespace
}  // namespace inferd
