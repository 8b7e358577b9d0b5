// The onnxruntime backend against the real ONNX Runtime library: loading,
// the function table, auto-complete from model files, instance checks and
// execution of every datatype. The test writes its own tiny ONNX models
// (encoded by hand below) into a temporary directory.
#include "backends/onnxruntime/onnxruntime_backend.h"

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <variant>

#include "backends/onnxruntime/ort_library.h"

#ifndef INFERD_ONNXRUNTIME_LIBRARY
#define INFERD_ONNXRUNTIME_LIBRARY "libonnxruntime.so"
#endif

namespace inferd {
namespace {

namespace fs = std::filesystem;

// ---- A minimal writer for the ONNX protobuf messages the tests need. ----

class Proto {
 public:
  Proto& Int(int field, uint64_t value) {
    Key(field, 0);
    Varint(value);
    return *this;
  }
  Proto& Bytes(int field, std::string_view bytes) {
    Key(field, 2);
    Varint(bytes.size());
    out_.append(bytes);
    return *this;
  }
  Proto& Message(int field, const Proto& message) { return Bytes(field, message.out_); }
  const std::string& str() const { return out_; }

 private:
  void Key(int field, int wire_type) { Varint(static_cast<uint64_t>(field) << 3 | wire_type); }
  void Varint(uint64_t value) {
    while (value >= 0x80) {
      out_.push_back(static_cast<char>(value | 0x80));
      value >>= 7;
    }
    out_.push_back(static_cast<char>(value));
  }
  std::string out_;
};

// ONNX element type numbers (onnx.TensorProto.DataType), as the backend declares them.
using OnnxType = ort::ElementType;
using enum ort::ElementType;

constexpr int64_t kSymbolic = -1;  // a dimension named "N"

struct ValueSpec {
  std::string name;
  OnnxType elem_type;
  Shape dims;             // kSymbolic for a named dimension
  bool sequence = false;  // a sequence of such tensors
};

struct NodeSpec {
  std::string op;
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
};

Proto TensorType(const ValueSpec& value) {
  Proto shape;
  for (int64_t dim : value.dims) {
    Proto dimension;
    if (dim == kSymbolic) {
      dimension.Bytes(2, "N");
    } else {
      dimension.Int(1, static_cast<uint64_t>(dim));
    }
    shape.Message(1, dimension);
  }
  Proto tensor;
  tensor.Int(1, static_cast<int>(value.elem_type)).Message(2, shape);
  Proto type;
  type.Message(1, tensor);
  return type;
}

Proto ValueInfo(const ValueSpec& value) {
  Proto type = TensorType(value);
  if (value.sequence) {
    Proto sequence;
    sequence.Message(1, type);
    type = Proto();
    type.Message(4, sequence);
  }
  Proto info;
  info.Bytes(1, value.name).Message(2, type);
  return info;
}

std::string ModelBytes(const std::vector<NodeSpec>& nodes, const std::vector<ValueSpec>& inputs,
                       const std::vector<ValueSpec>& outputs) {
  Proto graph;
  for (const NodeSpec& node : nodes) {
    Proto n;
    for (const auto& input : node.inputs) n.Bytes(1, input);
    for (const auto& output : node.outputs) n.Bytes(2, output);
    n.Bytes(4, node.op);
    graph.Message(1, n);
  }
  graph.Bytes(2, "test");
  for (const auto& input : inputs) graph.Message(11, ValueInfo(input));
  for (const auto& output : outputs) graph.Message(12, ValueInfo(output));
  Proto opset;
  opset.Bytes(1, "").Int(2, 17);
  Proto model;
  model.Int(1, 8).Message(8, opset).Message(7, graph);
  return model.str();
}

// ---- Fixture ----

class OnnxRuntimeBackendTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    BackendSettings settings{{"library-path", INFERD_ONNXRUNTIME_LIBRARY}};
    Status status = CreateOnnxRuntimeBackend(settings, &backend_);
    ASSERT_TRUE(status.ok()) << status.ToString();
    root_ = fs::temp_directory_path() / ("inferd_ort_test_" + std::to_string(getpid()));
    fs::create_directories(root_);
  }
  static void TearDownTestSuite() {
    backend_.reset();
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }

  // Writes a model under <root>/<name>/1/model.onnx and returns its spec.
  ModelSpec WriteModel(const std::string& name, const std::string& bytes) {
    fs::path version_dir = root_ / name / "1";
    fs::create_directories(version_dir);
    std::ofstream(version_dir / "model.onnx", std::ios::binary) << bytes;
    ModelSpec spec;
    spec.model_name = name;
    spec.version = 1;
    spec.model_dir = (root_ / name).string();
    spec.version_dir = version_dir.string();
    spec.model_path = (version_dir / "model.onnx").string();
    return spec;
  }

  // Auto-completes `config` for `spec` and creates one CPU instance.
  Status Load(ModelSpec spec, inference::ModelConfig* config,
              std::unique_ptr<ModelInstance>* instance) {
    INFERD_RETURN_IF_ERROR(backend_->AutoCompleteConfig(spec, config));
    spec.config = config;
    return backend_->CreateInstance(
        spec, InstanceSpec{"m_0", inference::ModelInstanceGroup::KIND_CPU}, instance);
  }

  static std::unique_ptr<Backend> backend_;
  static fs::path root_;
};

std::unique_ptr<Backend> OnnxRuntimeBackendTest::backend_;
fs::path OnnxRuntimeBackendTest::root_;

std::string AddSubModel() {
  return ModelBytes(
      {{"Add", {"INPUT0", "INPUT1"}, {"OUTPUT0"}}, {"Sub", {"INPUT0", "INPUT1"}, {"OUTPUT1"}}},
      {{"INPUT0", kFloat, {kSymbolic, 4}}, {"INPUT1", kFloat, {kSymbolic, 4}}},
      {{"OUTPUT0", kFloat, {kSymbolic, 4}}, {"OUTPUT1", kFloat, {kSymbolic, 4}}});
}

template <typename T>
Tensor MakeTensor(const std::string& name, DataType type, Shape shape, const std::vector<T>& v) {
  std::string bytes(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
  return Tensor{name, type, std::move(shape), Buffer::FromString(std::move(bytes))};
}

Tensor BytesTensor(const std::string& name, Shape shape, const std::vector<std::string>& elements) {
  std::string bytes;
  for (const auto& element : elements) AppendBytesElement(element, &bytes);
  return Tensor{name, DataType::kBytes, std::move(shape), Buffer::FromString(std::move(bytes))};
}

std::vector<float> Floats(const Tensor& tensor) {
  std::vector<float> values(tensor.data.size() / sizeof(float));
  std::memcpy(values.data(), tensor.data.data(), tensor.data.size());
  return values;
}

// ---- Tests ----

TEST(OnnxRuntimeLibrary, FunctionTableMatchesTheLibrary) {
  std::shared_ptr<const ort::OrtLibrary> library;
  Status status = ort::OrtLibrary::Load(INFERD_ONNXRUNTIME_LIBRARY, &library);
  ASSERT_TRUE(status.ok()) << status.ToString();
  const ort::OrtApi& api = library->api();
  ort::OrtStatus* made = api.CreateStatus(ort::ErrorCode::kNoSuchFile, "round trip");
  ASSERT_NE(made, nullptr);
  EXPECT_EQ(api.GetErrorCode(made), ort::ErrorCode::kNoSuchFile);
  EXPECT_STREQ(api.GetErrorMessage(made), "round trip");
  api.ReleaseStatus(made);
  EXPECT_EQ(std::string(api.GetBuildInfoString()).rfind("ORT Build Info", 0), 0u)
      << api.GetBuildInfoString();
  EXPECT_FALSE(library->version().empty());
}

TEST(OnnxRuntimeLibrary, MissingLibraryNamesPathAndReason) {
  std::unique_ptr<Backend> backend;
  Status status = CreateOnnxRuntimeBackend({{"library-path", "/nonexistent/libort.so"}}, &backend);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("/nonexistent/libort.so"), std::string::npos);
  EXPECT_NE(status.message().find("No such file"), std::string::npos) << status.message();
}

TEST(OnnxRuntimeLibrary, BadSettingIsRejected) {
  std::unique_ptr<Backend> backend;
  Status status = CreateOnnxRuntimeBackend({{"default-max-batch-size", "four"}}, &backend);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("'four'"), std::string::npos) << status.message();
}

TEST_F(OnnxRuntimeBackendTest, AutoCompletesAndRunsOnlyRequestedOutputs) {
  ModelSpec spec = WriteModel("add_sub", AddSubModel());
  inference::ModelConfig config;
  std::unique_ptr<ModelInstance> instance;
  Status status = Load(spec, &config, &instance);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(config.max_batch_size(), 4);
  EXPECT_TRUE(config.has_dynamic_batching());
  ASSERT_EQ(config.output_size(), 2);
  EXPECT_EQ(config.output(1).dims(0), 4);

  std::vector<Tensor> inputs = {
      MakeTensor<float>("INPUT0", DataType::kFp32, {2, 4}, {1, 2, 3, 4, 5, 6, 7, 8}),
      MakeTensor<float>("INPUT1", DataType::kFp32, {2, 4}, {1, 1, 1, 1, 2, 2, 2, 2})};
  std::vector<Tensor> outputs;
  status = instance->Execute(inputs, {"OUTPUT1"}, &outputs);
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_EQ(outputs.size(), 1u);
  EXPECT_EQ(outputs[0].name, "OUTPUT1");
  EXPECT_EQ(outputs[0].datatype, DataType::kFp32);
  EXPECT_EQ(outputs[0].shape, (Shape{2, 4}));
  EXPECT_EQ(Floats(outputs[0]), (std::vector<float>{0, 1, 2, 3, 3, 4, 5, 6}));

  // Output memory outlives the instance.
  instance.reset();
  EXPECT_EQ(Floats(outputs[0])[7], 6.0f);
}

TEST_F(OnnxRuntimeBackendTest, MisalignedInputIsCopied) {
  ModelSpec spec = WriteModel("add_misaligned", AddSubModel());
  inference::ModelConfig config;
  std::unique_ptr<ModelInstance> instance;
  ASSERT_TRUE(Load(spec, &config, &instance).ok());
  std::vector<float> values = {1, 2, 3, 4};
  std::string storage(1 + sizeof(float) * 4, '\0');
  std::memcpy(storage.data() + 1, values.data(), sizeof(float) * 4);
  Buffer whole = Buffer::FromString(storage);
  Tensor misaligned{"INPUT0", DataType::kFp32, {1, 4}, whole.Slice(1, sizeof(float) * 4)};
  ASSERT_NE(reinterpret_cast<uintptr_t>(misaligned.data.data()) % alignof(float), 0u);
  std::vector<Tensor> outputs;
  Status status = instance->Execute(
      {misaligned, MakeTensor<float>("INPUT1", DataType::kFp32, {1, 4}, {1, 1, 1, 1})}, {"OUTPUT0"},
      &outputs);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(Floats(outputs[0]), (std::vector<float>{2, 3, 4, 5}));
}

TEST_F(OnnxRuntimeBackendTest, EveryDatatypeRoundTrips) {
  struct Case {
    std::string suffix;
    OnnxType onnx;
    DataType type;
  };
  const std::vector<Case> cases = {
      {"bool", kBool, DataType::kBool},     {"u8", kUint8, DataType::kUint8},
      {"u16", kUint16, DataType::kUint16},  {"u32", kUint32, DataType::kUint32},
      {"u64", kUint64, DataType::kUint64},  {"i8", kInt8, DataType::kInt8},
      {"i16", kInt16, DataType::kInt16},    {"i32", kInt32, DataType::kInt32},
      {"i64", kInt64, DataType::kInt64},    {"f16", kFloat16, DataType::kFp16},
      {"f32", kFloat, DataType::kFp32},     {"f64", kDouble, DataType::kFp64},
      {"bf16", kBfloat16, DataType::kBf16}, {"str", kString, DataType::kBytes}};
  std::vector<NodeSpec> nodes;
  std::vector<ValueSpec> ins, outs;
  for (const Case& c : cases) {
    nodes.push_back({"Identity", {"in_" + c.suffix}, {"out_" + c.suffix}});
    ins.push_back({"in_" + c.suffix, c.onnx, {kSymbolic, 3}});
    outs.push_back({"out_" + c.suffix, c.onnx, {kSymbolic, 3}});
  }
  ModelSpec spec = WriteModel("identity_all", ModelBytes(nodes, ins, outs));
  inference::ModelConfig config;
  std::unique_ptr<ModelInstance> instance;
  Status status = Load(spec, &config, &instance);
  ASSERT_TRUE(status.ok()) << status.ToString();
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(config.input(i).data_type(), static_cast<inference::DataType>(cases[i].type));
  }

  std::vector<Tensor> inputs;
  std::vector<std::string> names;
  for (const Case& c : cases) {
    if (c.type == DataType::kBytes) {
      inputs.push_back(BytesTensor(
          "in_str", {2, 3},
          {"a", std::string("nul\0inside", 10), "", "\xff\xfe", "xyz", std::string(1000, 'q')}));
    } else {
      std::string bytes(6 * DataTypeByteSize(c.type), '\0');
      for (size_t b = 0; b < bytes.size(); ++b) {
        bytes[b] = static_cast<char>(c.type == DataType::kBool ? (b % 2) : (b * 7 + 1));
      }
      inputs.push_back(Tensor{"in_" + c.suffix, c.type, {2, 3}, Buffer::FromString(bytes)});
    }
    names.push_back("out_" + c.suffix);
  }
  std::vector<Tensor> outputs;
  status = instance->Execute(inputs, names, &outputs);
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_EQ(outputs.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].suffix);
    EXPECT_EQ(outputs[i].datatype, cases[i].type);
    EXPECT_EQ(outputs[i].shape, (Shape{2, 3}));
    EXPECT_EQ(std::string_view(outputs[i].data.data(), outputs[i].data.size()),
              std::string_view(inputs[i].data.data(), inputs[i].data.size()));
  }
}

TEST_F(OnnxRuntimeBackendTest, BadBytesInputIsRejected) {
  ModelSpec spec = WriteModel(
      "identity_str", ModelBytes({{"Identity", {"x"}, {"y"}}}, {{"x", kString, {kSymbolic}}},
                                 {{"y", kString, {kSymbolic}}}));
  inference::ModelConfig config;
  std::unique_ptr<ModelInstance> instance;
  ASSERT_TRUE(Load(spec, &config, &instance).ok());
  Tensor truncated{"x", DataType::kBytes, {1}, Buffer::FromString(std::string("\x05\0\0\0ab", 6))};
  std::vector<Tensor> outputs;
  Status status = instance->Execute({truncated}, {"y"}, &outputs);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArg) << status.ToString();
}

TEST_F(OnnxRuntimeBackendTest, RuntimeErrorCarriesPrefix) {
  ModelSpec spec = WriteModel("reshape", ModelBytes({{"Reshape", {"data", "shape"}, {"out"}}},
                                                    {{"data", kFloat, {6}}, {"shape", kInt64, {1}}},
                                                    {{"out", kFloat, {kSymbolic}}}));
  inference::ModelConfig config;
  std::unique_ptr<ModelInstance> instance;
  Status status = Load(spec, &config, &instance);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(config.max_batch_size(), 0);
  std::vector<Tensor> outputs;
  status = instance->Execute({MakeTensor<float>("data", DataType::kFp32, {6}, {1, 2, 3, 4, 5, 6}),
                              MakeTensor<int64_t>("shape", DataType::kInt64, {1}, {5})},
                             {"out"}, &outputs);
  ASSERT_EQ(status.code(), StatusCode::kInternal);
  EXPECT_EQ(status.message().rfind("onnxruntime execute failure for model 'reshape': ", 0), 0u)
      << status.message();
}

TEST_F(OnnxRuntimeBackendTest, ScalarModelUsesDimsOne) {
  ModelSpec spec = WriteModel(
      "scalar", ModelBytes({{"Neg", {"x"}, {"y"}}}, {{"x", kFloat, {}}}, {{"y", kFloat, {}}}));
  inference::ModelConfig config;
  std::unique_ptr<ModelInstance> instance;
  Status status = Load(spec, &config, &instance);
  ASSERT_TRUE(status.ok()) << status.ToString();
  std::vector<Tensor> outputs;
  status =
      instance->Execute({MakeTensor<float>("x", DataType::kFp32, {1}, {2.5f})}, {"y"}, &outputs);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(outputs[0].shape, (Shape{1}));
  EXPECT_EQ(Floats(outputs[0]), (std::vector<float>{-2.5f}));
}

TEST_F(OnnxRuntimeBackendTest, BatchedScalarUsesReshape) {
  ModelSpec spec =
      WriteModel("batched_scalar", ModelBytes({{"Neg", {"x"}, {"y"}}}, {{"x", kFloat, {kSymbolic}}},
                                              {{"y", kFloat, {kSymbolic}}}));
  inference::ModelConfig config;
  std::unique_ptr<ModelInstance> instance;
  Status status = Load(spec, &config, &instance);
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_TRUE(config.input(0).has_reshape());
  std::vector<Tensor> outputs;
  status = instance->Execute({MakeTensor<float>("x", DataType::kFp32, {3, 1}, {1, 2, 3})}, {"y"},
                             &outputs);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(outputs[0].shape, (Shape{3, 1}));
  EXPECT_EQ(Floats(outputs[0]), (std::vector<float>{-1, -2, -3}));
}

TEST_F(OnnxRuntimeBackendTest, SequenceOutputIsLeftOutOfAutoComplete) {
  ModelSpec spec =
      WriteModel("with_sequence",
                 ModelBytes({{"Identity", {"x"}, {"y"}}, {"SequenceConstruct", {"x"}, {"s"}}},
                            {{"x", kFloat, {kSymbolic, 2}}},
                            {{"y", kFloat, {kSymbolic, 2}}, {"s", kFloat, {kSymbolic, 2}, true}}));
  inference::ModelConfig config;
  std::unique_ptr<ModelInstance> instance;
  Status status = Load(spec, &config, &instance);
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_EQ(config.output_size(), 1);
  EXPECT_EQ(config.output(0).name(), "y");
}

TEST_F(OnnxRuntimeBackendTest, GpuKindIsRejected) {
  ModelSpec spec = WriteModel("gpu", AddSubModel());
  inference::ModelConfig config;
  ASSERT_TRUE(backend_->AutoCompleteConfig(spec, &config).ok());
  spec.config = &config;
  std::unique_ptr<ModelInstance> instance;
  Status status = backend_->CreateInstance(
      spec, InstanceSpec{"gpu_0", inference::ModelInstanceGroup::KIND_GPU}, &instance);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("KIND_GPU is not supported"), std::string::npos)
      << status.message();
}

TEST_F(OnnxRuntimeBackendTest, ConfigContradictingModelFailsAtLoad) {
  ModelSpec spec = WriteModel("mismatch", AddSubModel());
  inference::ModelConfig config;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(R"(
      max_batch_size: 4
      input { name: "INPUT0" data_type: TYPE_FP32 dims: [ 4 ] }
      input { name: "INPUT1" data_type: TYPE_INT32 dims: [ 4 ] }
      output { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ 4 ] })",
                                                            &config));
  spec.config = &config;
  std::unique_ptr<ModelInstance> instance;
  Status status = backend_->CreateInstance(
      spec, InstanceSpec{"m_0", inference::ModelInstanceGroup::KIND_CPU}, &instance);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("'mismatch'"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("'INPUT1'"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("TYPE_INT32"), std::string::npos) << status.message();
}

TEST_F(OnnxRuntimeBackendTest, BadParameterNamesParameterAndValue) {
  ModelSpec spec = WriteModel("bad_param", AddSubModel());
  inference::ModelConfig config;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"(parameters { key: "intra_op_thread_count" value { string_value: "many" } })", &config));
  std::unique_ptr<ModelInstance> instance;
  Status status = Load(spec, &config, &instance);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("intra_op_thread_count"), std::string::npos);
  EXPECT_NE(status.message().find("'many'"), std::string::npos) << status.message();
}

TEST_F(OnnxRuntimeBackendTest, ParametersAreApplied) {
  ModelSpec spec = WriteModel("params", AddSubModel());
  inference::ModelConfig config;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(R"(
      optimization { graph { level: 2 } }
      parameters { key: "intra_op_thread_count" value { string_value: "1" } }
      parameters { key: "inter_op_thread_count" value { string_value: "1" } }
      parameters { key: "execution_mode" value { string_value: "1" } }
      parameters { key: "enable_mem_arena" value { string_value: "false" } }
      parameters { key: "enable_mem_pattern" value { string_value: "0" } }
      parameters { key: "session.intra_op.allow_spinning" value { string_value: "0" } })",
                                                            &config));
  std::unique_ptr<ModelInstance> instance;
  Status status = Load(spec, &config, &instance);
  ASSERT_TRUE(status.ok()) << status.ToString();
  std::vector<Tensor> outputs;
  status = instance->Execute({MakeTensor<float>("INPUT0", DataType::kFp32, {1, 4}, {1, 2, 3, 4}),
                              MakeTensor<float>("INPUT1", DataType::kFp32, {1, 4}, {1, 2, 3, 4})},
                             {"OUTPUT0", "OUTPUT1"}, &outputs);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(Floats(outputs[0]), (std::vector<float>{2, 4, 6, 8}));
}

TEST_F(OnnxRuntimeBackendTest, ModelDirectoryAndMissingFile) {
  ModelSpec spec = WriteModel("as_dir", AddSubModel());
  spec.model_path = spec.version_dir;  // a directory holding model.onnx
  inference::ModelConfig config;
  ASSERT_TRUE(backend_->AutoCompleteConfig(spec, &config).ok());

  spec.model_path = spec.version_dir + "/missing.onnx";
  inference::ModelConfig other;
  Status status = backend_->AutoCompleteConfig(spec, &other);
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_NE(status.message().find("missing.onnx"), std::string::npos) << status.message();
}

TEST_F(OnnxRuntimeBackendTest, CorruptModelFileIsALoadError) {
  ModelSpec spec = WriteModel("corrupt", "this is not an onnx model");
  inference::ModelConfig config;
  Status status = backend_->AutoCompleteConfig(spec, &config);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("'corrupt'"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace inferd
