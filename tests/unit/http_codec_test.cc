// Binary framing, JSON limits and compression of the HTTP frontend.
#include <gtest/gtest.h>

#include <cstring>

#include "frontend/http/bounded_json.h"
#include "frontend/http/compression.h"
#include "frontend/http/http_message.h"
#include "frontend/http/infer_request_reader.h"
#include "frontend/http/infer_response_writer.h"

namespace inferd {
namespace {

inference::ModelConfig OneInputModel(inference::DataType type, std::vector<int64_t> dims, int max_batch_size) {
  inference::ModelConfig config;
  config.set_name("m");
  config.set_max_batch_size(max_batch_size);
  auto* input = config.add_input();
  input->set_name("x");
  input->set_data_type(type);
  for (auto d : dims) input->add_dims(d);
  return config;
}

// A registry with no regions (client shared memory not allowed).
const SharedMemoryRegistry& NoRegions() {
  static const SharedMemoryRegistry registry(false);
  return registry;
}

Status Read(const std::string& body, std::optional<size_t> header, HttpInferRequest* out) {
  return ReadHttpInferRequest(std::make_shared<const std::string>(body), header,
                              OneInputModel(inference::TYPE_FP32, {-1}, 0), NoRegions(), out);
}

TEST(InferRequestReader, BinaryInputsAreViewsIntoTheBody) {
  std::string json = R"({"inputs":[{"name":"a","datatype":"FP32","shape":[2],"parameters":{"binary_data_size":8}},)"
                     R"({"name":"b","datatype":"INT8","shape":[3],"parameters":{"binary_data_size":3}}]})";
  float values[2] = {1.5f, -2.0f};
  std::string body = json + std::string(reinterpret_cast<char*>(values), 8) + std::string("\x01\x02\x03", 3);
  auto shared = std::make_shared<const std::string>(body);
  HttpInferRequest parsed;
  ASSERT_TRUE(ReadHttpInferRequest(shared, json.size(), OneInputModel(inference::TYPE_FP32, {-1}, 0), NoRegions(), &parsed).ok());
  ASSERT_EQ(parsed.request->inputs.size(), 2u);
  const Tensor& a = parsed.request->inputs[0];
  EXPECT_EQ(a.data.data(), shared->data() + json.size());  // no copy
  float got[2];
  std::memcpy(got, a.data.data(), 8);
  EXPECT_EQ(got[1], -2.0f);
  EXPECT_EQ(parsed.request->inputs[1].data.size(), 3u);
}

TEST(InferRequestReader, TooFewBinaryBytes) {
  std::string json = R"({"inputs":[{"name":"a","datatype":"FP32","shape":[2],"parameters":{"binary_data_size":8}}]})";
  HttpInferRequest parsed;
  Status status = Read(json + "abc", json.size(), &parsed);
  EXPECT_EQ(status.message(), "unexpected size for input 'a', expecting 8 bytes but only 3 bytes remain in the request body");
}

TEST(InferRequestReader, LeftoverBinaryBytes) {
  std::string json = R"({"inputs":[{"name":"a","datatype":"INT8","shape":[2],"parameters":{"binary_data_size":2}}]})";
  HttpInferRequest parsed;
  Status status = Read(json + "abcd", json.size(), &parsed);
  EXPECT_EQ(status.message(), "unexpected additional input data: 2 bytes follow the last binary input");
}

TEST(InferRequestReader, JsonDataCountMustMatchShape) {
  HttpInferRequest parsed;
  Status status = Read(R"({"inputs":[{"name":"a","datatype":"INT32","shape":[2,2],"data":[[1,2],[3]]}]})", {}, &parsed);
  EXPECT_EQ(status.message(), "unexpected number of elements in 'data' of input 'a': shape [2,2] needs 4, got 3");
}

TEST(InferRequestReader, IntegerOutOfRange) {
  HttpInferRequest parsed;
  Status status = Read(R"({"inputs":[{"name":"a","datatype":"UINT8","shape":[2],"data":[1,256]}]})", {}, &parsed);
  EXPECT_EQ(status.message(), "element 1 of input 'a' is not a valid UINT8 value");
}

TEST(InferRequestReader, Fp16CannotBeJson) {
  HttpInferRequest parsed;
  Status status = Read(R"({"inputs":[{"name":"a","datatype":"FP16","shape":[1],"data":[1.0]}]})", {}, &parsed);
  EXPECT_EQ(status.message(), "input 'a' has datatype FP16, which cannot be sent as JSON data; send it as binary data");
}

TEST(InferRequestReader, ReservedParameterPrefix) {
  HttpInferRequest parsed;
  Status status = Read(R"({"parameters":{"triton_x":1},"inputs":[]})", {}, &parsed);
  EXPECT_NE(status.message().find("reserved"), std::string::npos) << status.message();
}

TEST(InferRequestReader, RawBinaryBodyFeedsTheSingleInput) {
  float values[4] = {1, 2, 3, 4};
  auto body = std::make_shared<const std::string>(reinterpret_cast<char*>(values), sizeof(values));
  HttpInferRequest parsed;
  ASSERT_TRUE(ReadHttpInferRequest(body, size_t{0}, OneInputModel(inference::TYPE_FP32, {2, -1}, 8), NoRegions(), &parsed).ok());
  EXPECT_EQ(parsed.request->inputs[0].shape, (Shape{1, 2, 2}));
  EXPECT_TRUE(parsed.output_encoding.default_binary);
}

TEST(HttpRequest, HeaderLookupTakesTheLastOfARepeatedName) {
  HttpRequest request;
  request.headers = {{"content-type", "application/json"}, {"accept-encoding", "gzip"},
                     {"accept-encoding", "deflate"}};
  EXPECT_EQ(request.Header("content-type").value_or("-"), "application/json");
  EXPECT_EQ(request.Header("accept-encoding").value_or("-"), "deflate");
  EXPECT_FALSE(request.Header("content-encoding").has_value());
}

TEST(BoundedJson, RefusesDeepNesting) {
  rapidjson::Document document;
  Status status = ParseBoundedJson(std::string(100000, '['), &document);
  EXPECT_EQ(status.message(), "JSON is nested more than 100 levels deep");
  EXPECT_TRUE(ParseBoundedJson(std::string(50, '[') + std::string(50, ']'), &document).ok());
}

TEST(BoundedJson, ReportsSyntaxErrorOffset) {
  rapidjson::Document document;
  Status status = ParseBoundedJson("{\"a\": }", &document);
  EXPECT_EQ(status.message(), "failed to parse the request JSON buffer: Invalid value. at offset 6");
}

TEST(InferResponseWriter, BinaryOutputsFollowTheJsonInOrder) {
  InferenceResponse response;
  response.model_name = "m";
  response.model_version = 3;
  response.id = "req-1";
  Tensor a{"a", DataType::kInt32, {2}, Buffer::FromString(std::string(8, '\x01'))};
  Tensor b{"b", DataType::kInt32, {1}, Buffer::FromString(std::string(4, '\x02'))};
  response.outputs = {a, b};
  OutputEncoding encoding;
  encoding.per_output["a"] = true;
  HttpInferResponse out;
  ASSERT_TRUE(WriteHttpInferResponse(response, encoding, &out).ok());
  EXPECT_EQ(out.json,
            R"({"id":"req-1","model_name":"m","model_version":"3","outputs":[)"
            R"({"name":"a","datatype":"INT32","shape":[2],"parameters":{"binary_data_size":8}},)"
            R"({"name":"b","datatype":"INT32","shape":[1],"data":[33686018]}]})");
  ASSERT_EQ(out.blobs.size(), 1u);
  EXPECT_EQ(out.blobs[0].data(), a.data.data());  // no copy
}

TEST(InferResponseWriter, Fp16AsJsonIsAnError) {
  InferenceResponse response;
  response.outputs = {Tensor{"h", DataType::kFp16, {1}, Buffer::FromString(std::string(2, '\0'))}};
  HttpInferResponse out;
  EXPECT_FALSE(WriteHttpInferResponse(response, OutputEncoding{}, &out).ok());
}

TEST(Compression, GzipAndDeflateRoundTrip) {
  std::string text(10000, 'z');
  for (Encoding encoding : {Encoding::kGzip, Encoding::kDeflate}) {
    std::string packed, unpacked;
    ASSERT_TRUE(Compress(encoding, text, &packed));
    ASSERT_TRUE(Decompress(encoding, packed, 1 << 20, &unpacked).ok());
    EXPECT_EQ(unpacked, text);
  }
}

TEST(Compression, DecompressedSizeIsBounded) {
  std::string packed, unpacked;
  ASSERT_TRUE(Compress(Encoding::kGzip, std::string(1 << 20, 'a'), &packed));
  Status status = Decompress(Encoding::kGzip, packed, 1000, &unpacked);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("maximum allowed size of 1000 bytes"), std::string::npos);
}

TEST(Compression, InvalidDataAndUnknownEncoding) {
  std::string unpacked;
  EXPECT_FALSE(Decompress(Encoding::kGzip, "not gzip at all", 1000, &unpacked).ok());
  Encoding encoding;
  EXPECT_EQ(ParseContentEncoding("br", &encoding).code(), StatusCode::kUnsupported);
}

TEST(Compression, NegotiatesByQValue) {
  EXPECT_EQ(NegotiateResponseEncoding("gzip"), Encoding::kGzip);
  EXPECT_EQ(NegotiateResponseEncoding("deflate;q=0.5, gzip;q=0.9"), Encoding::kGzip);
  EXPECT_EQ(NegotiateResponseEncoding("br, deflate"), Encoding::kDeflate);
  EXPECT_EQ(NegotiateResponseEncoding("gzip;q=0"), Encoding::kIdentity);
  EXPECT_EQ(NegotiateResponseEncoding(""), Encoding::kIdentity);
}

}  // namespace
}  // namespace inferd
