// Auto-complete and configuration checks of the onnxruntime backend, on
// hand-written model signatures (no ONNX Runtime needed).
#include "backends/onnxruntime/onnxruntime_autocomplete.h"

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include "backends/onnxruntime/onnxruntime_io_match.h"
#include "backends/onnxruntime/ort_session_options.h"

namespace inferd::ort {
namespace {

ModelTensor T(std::string name, DataType type, Shape dims) {
  return ModelTensor{std::move(name), type, std::string(DataTypeName(type)), std::move(dims)};
}

inference::ModelConfig Parse(const std::string& text) {
  inference::ModelConfig config;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &config)) << text;
  return config;
}

Shape Dims(const google::protobuf::RepeatedField<int64_t>& dims) {
  return Shape(dims.begin(), dims.end());
}

ModelSignature BatchableAdd() {
  return {{T("INPUT0", DataType::kFp32, {-1, 16}), T("INPUT1", DataType::kFp32, {-1, 16})},
          {T("OUTPUT0", DataType::kFp32, {-1, 16})}};
}

TEST(OnnxRuntimeAutoComplete, EmptyConfigGetsDefaultBatchAndDynamicBatching) {
  inference::ModelConfig config;
  ASSERT_TRUE(AutoCompleteFromSignature("add", BatchableAdd(), 4, &config).ok());
  EXPECT_EQ(config.max_batch_size(), 4);
  EXPECT_TRUE(config.has_dynamic_batching());
  ASSERT_EQ(config.input_size(), 2);
  EXPECT_EQ(config.input(0).name(), "INPUT0");
  EXPECT_EQ(config.input(0).data_type(), inference::TYPE_FP32);
  EXPECT_EQ(Dims(config.input(0).dims()), (Shape{16}));
  ASSERT_EQ(config.output_size(), 1);
  EXPECT_EQ(Dims(config.output(0).dims()), (Shape{16}));
  EXPECT_TRUE(CheckConfigAgainstModel("add", config, BatchableAdd()).ok());
}

TEST(OnnxRuntimeAutoComplete, DefaultMaxBatchSizeOneAddsNoScheduler) {
  inference::ModelConfig config;
  ASSERT_TRUE(AutoCompleteFromSignature("add", BatchableAdd(), 1, &config).ok());
  EXPECT_EQ(config.max_batch_size(), 1);
  EXPECT_FALSE(config.has_dynamic_batching());
}

TEST(OnnxRuntimeAutoComplete, ExistingSchedulerIsKept) {
  inference::ModelConfig config = Parse("sequence_batching {}");
  ASSERT_TRUE(AutoCompleteFromSignature("add", BatchableAdd(), 4, &config).ok());
  EXPECT_TRUE(config.has_sequence_batching());
  EXPECT_FALSE(config.has_dynamic_batching());
}

TEST(OnnxRuntimeAutoComplete, FixedFirstDimMeansNoBatching) {
  ModelSignature signature{{T("x", DataType::kFp32, {2, 3})}, {T("y", DataType::kFp32, {2, 3})}};
  inference::ModelConfig config;
  ASSERT_TRUE(AutoCompleteFromSignature("fixed", signature, 4, &config).ok());
  EXPECT_EQ(config.max_batch_size(), 0);
  EXPECT_FALSE(config.has_dynamic_batching());
  EXPECT_EQ(Dims(config.input(0).dims()), (Shape{2, 3}));
}

TEST(OnnxRuntimeAutoComplete, MaxBatchSizeOnUnbatchableModelIsRejected) {
  ModelSignature signature{{T("x", DataType::kFp32, {2, 3})}, {T("y", DataType::kFp32, {2, 3})}};
  inference::ModelConfig config = Parse("max_batch_size: 8");
  Status status = AutoCompleteFromSignature("fixed", signature, 4, &config);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("'fixed'"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("max_batch_size is 8"), std::string::npos) << status.message();
}

TEST(OnnxRuntimeAutoComplete, ExplicitMaxBatchSizeStripsFirstDim) {
  inference::ModelConfig config = Parse("max_batch_size: 8");
  ASSERT_TRUE(AutoCompleteFromSignature("add", BatchableAdd(), 4, &config).ok());
  EXPECT_EQ(config.max_batch_size(), 8);
  EXPECT_TRUE(config.has_dynamic_batching());
  EXPECT_EQ(Dims(config.input(1).dims()), (Shape{16}));
}

TEST(OnnxRuntimeAutoComplete, FullRankDimsInConfigKeepBatchingOff) {
  inference::ModelConfig config = Parse(R"(
    input { name: "INPUT0" data_type: TYPE_FP32 dims: [ -1, 16 ] }
    input { name: "INPUT1" data_type: TYPE_FP32 dims: [ -1, 16 ] }
    output { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ -1, 16 ] })");
  ASSERT_TRUE(AutoCompleteFromSignature("add", BatchableAdd(), 4, &config).ok());
  EXPECT_EQ(config.max_batch_size(), 0);
  EXPECT_FALSE(config.has_dynamic_batching());
}

TEST(OnnxRuntimeAutoComplete, PartialEntriesAreFilledAndMissingInputsAdded) {
  inference::ModelConfig config = Parse(R"(
    input { name: "INPUT1" }
    output { name: "OUTPUT0" data_type: TYPE_FP32 })");
  ASSERT_TRUE(AutoCompleteFromSignature("add", BatchableAdd(), 4, &config).ok());
  EXPECT_EQ(config.max_batch_size(), 4);
  ASSERT_EQ(config.input_size(), 2);
  EXPECT_EQ(config.input(0).name(), "INPUT1");
  EXPECT_EQ(config.input(0).data_type(), inference::TYPE_FP32);
  EXPECT_EQ(Dims(config.input(0).dims()), (Shape{16}));
  EXPECT_EQ(config.input(1).name(), "INPUT0");
  EXPECT_EQ(Dims(config.output(0).dims()), (Shape{16}));
}

TEST(OnnxRuntimeAutoComplete, ListedOutputsAreASubset) {
  ModelSignature signature = BatchableAdd();
  signature.outputs.push_back(T("OUTPUT1", DataType::kFp32, {-1, 16}));
  inference::ModelConfig config = Parse(R"(output { name: "OUTPUT1" })");
  ASSERT_TRUE(AutoCompleteFromSignature("add", signature, 4, &config).ok());
  ASSERT_EQ(config.output_size(), 1);
  EXPECT_EQ(config.output(0).name(), "OUTPUT1");
}

TEST(OnnxRuntimeAutoComplete, DataTypeContradictionNamesFieldAndValues) {
  inference::ModelConfig config = Parse(R"(input { name: "INPUT0" data_type: TYPE_INT64 })");
  Status status = AutoCompleteFromSignature("add", BatchableAdd(), 4, &config);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("input 'INPUT0'"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("TYPE_INT64"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("TYPE_FP32"), std::string::npos) << status.message();
}

TEST(OnnxRuntimeAutoComplete, DimsContradictionNamesShapes) {
  inference::ModelConfig config = Parse(R"(
    max_batch_size: 4
    input { name: "INPUT0" dims: [ 15 ] })");
  Status status = AutoCompleteFromSignature("add", BatchableAdd(), 4, &config);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("[15]"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("[-1,16]"), std::string::npos) << status.message();
}

TEST(OnnxRuntimeAutoComplete, UnknownTensorIsRejected) {
  inference::ModelConfig config = Parse(R"(input { name: "nope" })");
  Status status = AutoCompleteFromSignature("add", BatchableAdd(), 4, &config);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("'nope'"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("'INPUT0'"), std::string::npos) << status.message();
}

TEST(OnnxRuntimeAutoComplete, ScalarsGetDimsOneAndEmptyReshapeWhenBatching) {
  ModelSignature signature{{T("x", DataType::kFp32, {-1})}, {T("y", DataType::kFp32, {-1})}};
  inference::ModelConfig config;
  ASSERT_TRUE(AutoCompleteFromSignature("scalar", signature, 4, &config).ok());
  EXPECT_EQ(config.max_batch_size(), 4);
  EXPECT_EQ(Dims(config.input(0).dims()), (Shape{1}));
  EXPECT_TRUE(config.input(0).has_reshape());
  EXPECT_EQ(config.input(0).reshape().shape_size(), 0);
  EXPECT_TRUE(CheckConfigAgainstModel("scalar", config, signature).ok());

  ModelSignature rank0{{T("x", DataType::kFp32, {})}, {T("y", DataType::kFp32, {})}};
  inference::ModelConfig plain;
  ASSERT_TRUE(AutoCompleteFromSignature("rank0", rank0, 4, &plain).ok());
  EXPECT_EQ(plain.max_batch_size(), 0);
  EXPECT_EQ(Dims(plain.input(0).dims()), (Shape{1}));
  EXPECT_FALSE(plain.input(0).has_reshape());
  EXPECT_TRUE(CheckConfigAgainstModel("rank0", plain, rank0).ok());
}

TEST(OnnxRuntimeAutoComplete, UnservableOutputsAreLeftOut) {
  ModelSignature signature{{T("x", DataType::kFp32, {-1, 4})},
                           {T("label", DataType::kInt64, {-1}),
                            ModelTensor{"probabilities", DataType::kInvalid, "SEQUENCE", {}}}};
  inference::ModelConfig config;
  ASSERT_TRUE(AutoCompleteFromSignature("classifier", signature, 4, &config).ok());
  ASSERT_EQ(config.output_size(), 1);
  EXPECT_EQ(config.output(0).name(), "label");
  EXPECT_EQ(config.max_batch_size(), 4);
}

TEST(OnnxRuntimeAutoComplete, SequenceControlInputsAreNotAdded) {
  ModelSignature signature = BatchableAdd();
  signature.inputs.push_back(T("START", DataType::kInt32, {-1, 1}));
  inference::ModelConfig config = Parse(R"(
    max_batch_size: 2
    sequence_batching {
      control_input {
        name: "START"
        control { kind: CONTROL_SEQUENCE_START int32_false_true: [ 0, 1 ] }
      }
    })");
  ASSERT_TRUE(AutoCompleteFromSignature("seq", signature, 4, &config).ok());
  EXPECT_EQ(config.input_size(), 2);
  EXPECT_TRUE(CheckConfigAgainstModel("seq", config, signature).ok());
}

TEST(OnnxRuntimeIoMatch, MissingModelInputIsReported) {
  inference::ModelConfig config = Parse(R"(
    max_batch_size: 4
    input { name: "INPUT0" data_type: TYPE_FP32 dims: [ 16 ] }
    output { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 16 ] })");
  Status status = CheckConfigAgainstModel("add", config, BatchableAdd());
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("'INPUT1'"), std::string::npos) << status.message();
}

TEST(OnnxRuntimeIoMatch, ConfigDimRefinesModelVariableDim) {
  ModelSignature signature{{T("x", DataType::kFp32, {-1, -1})}, {T("y", DataType::kFp32, {-1})}};
  inference::ModelConfig config = Parse(R"(
    max_batch_size: 4
    input { name: "x" data_type: TYPE_FP32 dims: [ 7 ] }
    output { name: "y" data_type: TYPE_FP32 dims: [ 1 ] reshape { shape: [] } })");
  EXPECT_TRUE(CheckConfigAgainstModel("m", config, signature).ok());
}

TEST(OnnxRuntimeSessionOptions, ParsesBoolsAndInts) {
  bool b = false;
  EXPECT_TRUE(ParseBoolParameter("TRUE", &b) && b);
  EXPECT_TRUE(ParseBoolParameter("0", &b) && !b);
  EXPECT_TRUE(ParseBoolParameter("off", &b) && !b);
  EXPECT_FALSE(ParseBoolParameter("yes please", &b));
  int i = 0;
  EXPECT_TRUE(ParseIntParameter("12", &i) && i == 12);
  EXPECT_FALSE(ParseIntParameter("12x", &i));
  EXPECT_FALSE(ParseIntParameter("", &i));
  EXPECT_FALSE(ParseIntParameter("99999999999", &i));
}

}  // namespace
}  // namespace inferd::ort
