// inferd-perf: tensor encoding, input data files in perf_analyzer's format,
// generated data and the grouping of samples into batched requests.
#include <gtest/gtest.h>

#include <cstring>

#include "perf/input_data.h"
#include "perf/tensor_encoding.h"

namespace inferd::perf {
namespace {

ModelInfo AddSub(int64_t max_batch_size = 8) {
  ModelInfo model;
  model.name = "add_sub";
  model.max_batch_size = max_batch_size;
  model.inputs = {{"INPUT0", "FP32", {4}}, {"INPUT1", "INT32", {4}}};
  return model;
}

ModelInfo Strings() {
  ModelInfo model;
  model.name = "strings";
  model.inputs = {{"TEXT", "BYTES", {-1}}};
  return model;
}

std::vector<float> Floats(const std::string& data) {
  std::vector<float> values(data.size() / 4);
  std::memcpy(values.data(), data.data(), data.size());
  return values;
}

std::string Bytes(std::initializer_list<std::string> elements) {
  std::string out;
  for (const auto& e : elements) EXPECT_TRUE(AppendElement("BYTES", e, &out).ok());
  return out;
}

TEST(PerfTensorEncoding, NumbersInTheirTypes) {
  std::string out;
  ASSERT_TRUE(AppendElement("INT16", int64_t{-2}, &out).ok());
  ASSERT_TRUE(AppendElement("UINT8", uint64_t{255}, &out).ok());
  ASSERT_TRUE(AppendElement("FP64", 0.5, &out).ok());
  ASSERT_TRUE(AppendElement("BOOL", true, &out).ok());
  ASSERT_EQ(out.size(), 2u + 1u + 8u + 1u);
  EXPECT_EQ(static_cast<unsigned char>(out[0]), 0xfe);
  EXPECT_EQ(static_cast<unsigned char>(out[2]), 255);
  double half;
  std::memcpy(&half, out.data() + 3, 8);
  EXPECT_EQ(half, 0.5);
  EXPECT_EQ(out[11], 1);
}

TEST(PerfTensorEncoding, HalfAndBfloat16) {
  std::string out;
  ASSERT_TRUE(AppendElement("FP16", 1.0, &out).ok());
  ASSERT_TRUE(AppendElement("FP16", -2.5, &out).ok());
  ASSERT_TRUE(AppendElement("BF16", 1.0, &out).ok());
  uint16_t values[3];
  std::memcpy(values, out.data(), 6);
  EXPECT_EQ(values[0], 0x3c00);
  EXPECT_EQ(values[1], 0xc100);
  EXPECT_EQ(values[2], 0x3f80);
}

TEST(PerfTensorEncoding, RejectsValuesThatDoNotFit) {
  std::string out;
  EXPECT_FALSE(AppendElement("INT8", int64_t{300}, &out).ok());
  EXPECT_FALSE(AppendElement("UINT32", int64_t{-1}, &out).ok());
  EXPECT_FALSE(AppendElement("INT32", 1.5, &out).ok());
  EXPECT_FALSE(AppendElement("FP32", std::string("x"), &out).ok());
  EXPECT_FALSE(AppendElement("BYTES", int64_t{1}, &out).ok());
  EXPECT_FALSE(AppendElement("BOOL", int64_t{2}, &out).ok());
  EXPECT_FALSE(AppendElement("COMPLEX", 1.0, &out).ok());
}

TEST(PerfTensorEncoding, BytesAreLengthPrefixed) {
  EXPECT_EQ(Bytes({"ab", ""}), std::string("\x02\x00\x00\x00" "ab" "\x00\x00\x00\x00", 10));
}

TEST(PerfTensorEncoding, JsonElements) {
  std::string data, json;
  for (double v : {1.5, -2.0}) ASSERT_TRUE(AppendElement("FP32", v, &data).ok());
  ASSERT_TRUE(AppendJsonElements("FP32", data, &json).ok());
  EXPECT_EQ(json, "1.5,-2");
  json.clear();
  ASSERT_TRUE(AppendJsonElements("BYTES", Bytes({"a\"b", "c"}), &json).ok());
  EXPECT_EQ(json, R"("a\"b","c")");
  json.clear();
  ASSERT_TRUE(AppendJsonElements("BOOL", std::string("\x01\x00", 2), &json).ok());
  EXPECT_EQ(json, "true,false");
  EXPECT_FALSE(AppendJsonElements("FP16", "\x00\x3c", &json).ok());
}

TEST(PerfInputDataJson, FlatNestedAndContentWithShape) {
  std::string text = R"({"data": [
      {"INPUT0": [1, 2, 3, 4], "INPUT1": [[1, 2], [3, 4]]},
      {"INPUT0": {"content": [5, 6, 7, 8], "shape": [4]}, "INPUT1": {"content": [0, 0, 0, 0]}}]})";
  std::vector<DataEntry> entries;
  Status status = ParseInputDataJson(text, AddSub(), {}, &entries);
  ASSERT_TRUE(status.ok()) << status.message();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(Floats(entries[0]["INPUT0"].data), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(entries[0]["INPUT1"].data.size(), 16u);
  EXPECT_EQ(entries[1]["INPUT0"].shape, (std::vector<int64_t>{4}));
  EXPECT_EQ(Floats(entries[1]["INPUT0"].data), (std::vector<float>{5, 6, 7, 8}));
}

TEST(PerfInputDataJson, StringsForBytesAndShapesOfVariableDims) {
  std::string text = R"({"data": [{"TEXT": ["hello", "world"]},
                                   {"TEXT": {"content": ["a", "b", "c"], "shape": [3]}}]})";
  std::vector<DataEntry> entries;
  Status status = ParseInputDataJson(text, Strings(), {}, &entries);
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(entries[0]["TEXT"].shape, (std::vector<int64_t>{2}));
  EXPECT_EQ(entries[0]["TEXT"].data, Bytes({"hello", "world"}));
  EXPECT_EQ(entries[1]["TEXT"].shape, (std::vector<int64_t>{3}));
}

TEST(PerfInputDataJson, ErrorsNameTheEntryAndInput) {
  auto error = [](const std::string& text, const ModelInfo& model) {
    std::vector<DataEntry> entries;
    Status status = ParseInputDataJson(text, model, {}, &entries);
    EXPECT_FALSE(status.ok()) << text;
    return status.message();
  };
  EXPECT_NE(error("{", AddSub()).find("invalid JSON"), std::string::npos);
  EXPECT_NE(error(R"({"rows": []})", AddSub()).find("\"data\""), std::string::npos);
  EXPECT_NE(error(R"({"data": []})", AddSub()).find("empty"), std::string::npos);
  std::string missing = error(R"({"data": [{"INPUT0": [1, 2, 3, 4]}]})", AddSub());
  EXPECT_NE(missing.find("entry 0"), std::string::npos) << missing;
  EXPECT_NE(missing.find("INPUT1"), std::string::npos) << missing;
  std::string count = error(R"({"data": [{"INPUT0": [1, 2], "INPUT1": [1, 2, 3, 4]}]})", AddSub());
  EXPECT_NE(count.find("2 elements"), std::string::npos) << count;
  std::string shape = error(R"({"data": [{"INPUT0": {"content": [1, 2, 3, 4], "shape": [2, 2]},
                                          "INPUT1": [1, 2, 3, 4]}]})", AddSub());
  EXPECT_NE(shape.find("does not fit"), std::string::npos) << shape;
  std::string type = error(R"({"data": [{"INPUT0": ["a", 2, 3, 4], "INPUT1": [1, 2, 3, 4]}]})", AddSub());
  EXPECT_NE(type.find("INPUT0"), std::string::npos) << type;
  EXPECT_NE(error(R"({"data": [{"TEXT": [1]}]})", Strings()).find("strings"), std::string::npos);
}

TEST(PerfInputData, ShapeOverridesFillVariableDimensions) {
  std::vector<int64_t> shape;
  EXPECT_FALSE(ResolveShape(Strings().inputs[0], {}, &shape).ok());
  ASSERT_TRUE(ResolveShape(Strings().inputs[0], {{"TEXT", {5}}}, &shape).ok());
  EXPECT_EQ(shape, (std::vector<int64_t>{5}));
  EXPECT_FALSE(ResolveShape(AddSub().inputs[0], {{"INPUT0", {5}}}, &shape).ok());
  EXPECT_FALSE(ResolveShape(AddSub().inputs[0], {{"INPUT0", {4, 1}}}, &shape).ok());
}

TEST(PerfInputData, GeneratedDataHasTheResolvedShapes) {
  InputDataOptions options;
  options.batch_size = 3;
  std::vector<InferPayload> payloads;
  ASSERT_TRUE(LoadInputData(AddSub(), options, &payloads).ok());
  ASSERT_EQ(payloads.size(), 1u);
  ASSERT_EQ(payloads[0].inputs.size(), 2u);
  EXPECT_EQ(payloads[0].inputs[0].shape, (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(payloads[0].inputs[0].data.size(), 3u * 4 * 4);
  options.source = "zero";
  options.batch_size = 1;
  payloads.clear();
  ASSERT_TRUE(LoadInputData(AddSub(), options, &payloads).ok());
  EXPECT_EQ(Floats(payloads[0].inputs[0].data), (std::vector<float>{0, 0, 0, 0}));

  InputDataOptions strings;
  strings.shapes = {{"TEXT", {2}}};
  strings.string_length = 5;
  payloads.clear();
  ASSERT_TRUE(LoadInputData(Strings(), strings, &payloads).ok());
  EXPECT_EQ(payloads[0].inputs[0].shape, (std::vector<int64_t>{2}));  // no batch dimension
  EXPECT_EQ(payloads[0].inputs[0].data.size(), 2u * (4 + 5));
}

TEST(PerfInputData, BatchesTakeConsecutiveEntriesAndWrap) {
  std::vector<DataEntry> entries(3);
  for (int i = 0; i < 3; ++i) {
    std::string data;
    ASSERT_TRUE(AppendElement("FP32", static_cast<double>(i), &data).ok());
    entries[i]["X"] = {{1}, data};
  }
  ModelInfo model;
  model.max_batch_size = 4;
  model.inputs = {{"X", "FP32", {1}}};
  std::vector<InferPayload> payloads;
  ASSERT_TRUE(BuildPayloads(model, entries, 2, &payloads).ok());
  ASSERT_EQ(payloads.size(), 3u);
  EXPECT_EQ(payloads[0].inputs[0].shape, (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(Floats(payloads[0].inputs[0].data), (std::vector<float>{0, 1}));
  EXPECT_EQ(Floats(payloads[1].inputs[0].data), (std::vector<float>{2, 0}));
  EXPECT_EQ(Floats(payloads[2].inputs[0].data), (std::vector<float>{1, 2}));
}

TEST(PerfInputData, BatchSizeMustSuitTheModel) {
  InputDataOptions options;
  options.batch_size = 2;
  std::vector<InferPayload> payloads;
  Status status = LoadInputData(AddSub(0), options, &payloads);
  EXPECT_NE(status.message().find("does not support batching"), std::string::npos) << status.message();
  options.batch_size = 9;
  status = LoadInputData(AddSub(8), options, &payloads);
  EXPECT_NE(status.message().find("max_batch_size"), std::string::npos) << status.message();
  options.batch_size = 1;
  options.shapes = {{"NOPE", {1}}};
  status = LoadInputData(AddSub(8), options, &payloads);
  EXPECT_NE(status.message().find("NOPE"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace inferd::perf
