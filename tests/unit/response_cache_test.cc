#include "core/response_cache.h"

#include <gtest/gtest.h>

namespace inferd {
namespace {

Tensor Floats(const std::string& name, std::vector<float> values) {
  Tensor tensor;
  tensor.name = name;
  tensor.datatype = DataType::kFp32;
  tensor.shape = {static_cast<int64_t>(values.size())};
  tensor.data = Buffer::FromString(std::string(reinterpret_cast<const char*>(values.data()), values.size() * 4));
  return tensor;
}

InferenceRequest Request(std::vector<Tensor> inputs, std::vector<RequestedOutput> outputs = {}) {
  InferenceRequest request;
  request.inputs = std::move(inputs);
  request.outputs = std::move(outputs);
  return request;
}

InferenceResponse Response(size_t floats) {
  InferenceResponse response;
  response.outputs.push_back(Floats("OUT", std::vector<float>(floats, 1.5f)));
  response.parameters.emplace_back("note", std::string("kept"));
  return response;
}

std::string KeyOf(std::vector<float> values) { return ResponseCache::Key("m", 1, 7, Request({Floats("IN", values)})); }

TEST(ResponseCache, KeyCoversModelInputsAndOutputsButNotTheirOrder) {
  auto a = Floats("A", {1, 2}), b = Floats("B", {3});
  std::string key = ResponseCache::Key("m", 1, 7, Request({a, b}));
  EXPECT_EQ(key, ResponseCache::Key("m", 1, 7, Request({b, a})));
  EXPECT_NE(key, ResponseCache::Key("m", 2, 7, Request({a, b})));
  EXPECT_NE(key, ResponseCache::Key("m", 1, 8, Request({a, b})));  // the version loaded again
  EXPECT_NE(key, ResponseCache::Key("n", 1, 7, Request({a, b})));
  EXPECT_NE(key, ResponseCache::Key("m", 1, 7, Request({a, Floats("B", {4})})));
  EXPECT_NE(key, ResponseCache::Key("m", 1, 7, Request({a, Floats("C", {3})})));
  Tensor reshaped = a;
  reshaped.shape = {2, 1};
  EXPECT_NE(key, ResponseCache::Key("m", 1, 7, Request({reshaped, b})));
  EXPECT_NE(key, ResponseCache::Key("m", 1, 7, Request({a, b}, {{"OUT", 0}})));
  EXPECT_NE(ResponseCache::Key("m", 1, 7, Request({a, b}, {{"OUT", 0}})),
            ResponseCache::Key("m", 1, 7, Request({a, b}, {{"OUT", 3}})));
}

TEST(ResponseCache, HitGivesTheOutputsAndParameters) {
  ResponseCache cache(1 << 20);
  std::vector<Tensor> outputs;
  Parameters parameters;
  EXPECT_FALSE(cache.Lookup(KeyOf({1}), &outputs, &parameters));
  cache.Insert(KeyOf({1}), Response(4));
  ASSERT_TRUE(cache.Lookup(KeyOf({1}), &outputs, &parameters));
  ASSERT_EQ(outputs.size(), 1u);
  EXPECT_EQ(outputs[0].name, "OUT");
  EXPECT_EQ(outputs[0].shape, Shape({4}));
  EXPECT_EQ(outputs[0].data.size(), 16u);
  EXPECT_EQ(reinterpret_cast<const float*>(outputs[0].data.data())[3], 1.5f);
  ASSERT_EQ(parameters.size(), 1u);
  EXPECT_EQ(std::get<std::string>(parameters[0].second), "kept");
  EXPECT_FALSE(cache.Lookup(KeyOf({2}), &outputs, &parameters));
}

TEST(ResponseCache, LeastRecentlyUsedGoesFirstAndOversizeIsNotKept) {
  // Room for two entries of 1,000 floats (4,000 bytes and a small key) but not three.
  ResponseCache cache(9000);
  std::vector<Tensor> outputs;
  Parameters parameters;
  cache.Insert(KeyOf({1}), Response(1000));
  cache.Insert(KeyOf({2}), Response(1000));
  EXPECT_EQ(cache.entries(), 2u);
  EXPECT_TRUE(cache.Lookup(KeyOf({1}), &outputs, &parameters));  // 1 is now the most recent
  cache.Insert(KeyOf({3}), Response(1000));
  EXPECT_EQ(cache.entries(), 2u);
  EXPECT_TRUE(cache.Lookup(KeyOf({1}), &outputs, &parameters));
  EXPECT_FALSE(cache.Lookup(KeyOf({2}), &outputs, &parameters));
  EXPECT_TRUE(cache.Lookup(KeyOf({3}), &outputs, &parameters));
  EXPECT_LE(cache.used_bytes(), cache.capacity_bytes());

  cache.Insert(KeyOf({4}), Response(3000));  // larger than the whole cache
  EXPECT_FALSE(cache.Lookup(KeyOf({4}), &outputs, &parameters));
  EXPECT_EQ(cache.entries(), 2u);
}

TEST(ResponseCache, ParsesTheLocalCacheConfig) {
  uint64_t bytes = 1;
  ASSERT_TRUE(ParseCacheConfigs({}, &bytes).ok());
  EXPECT_EQ(bytes, 0u);
  ASSERT_TRUE(ParseCacheConfigs({"local,size=1048576"}, &bytes).ok());
  EXPECT_EQ(bytes, 1048576u);
  EXPECT_EQ(ParseCacheConfigs({"redis,host=localhost"}, &bytes).message(),
            "--cache-config 'redis,host=localhost': unknown cache 'redis'; inferd has the 'local' cache only "
            "(local,size=<bytes>)");
  EXPECT_EQ(ParseCacheConfigs({"local"}, &bytes).message(),
            "--cache-config 'local': expected local,<setting>=<value>");
  EXPECT_EQ(ParseCacheConfigs({"local,eviction=lru"}, &bytes).message(),
            "--cache-config 'local,eviction=lru': the local cache has one setting, size");
  EXPECT_EQ(ParseCacheConfigs({"local,size=1MB"}, &bytes).message(),
            "--cache-config 'local,size=1MB': size must be a number of bytes");
  EXPECT_EQ(ParseCacheConfigs({"local,size=0"}, &bytes).message(),
            "--cache-config: the local cache needs a size above 0 (local,size=<bytes>)");
}

}  // namespace
}  // namespace inferd
