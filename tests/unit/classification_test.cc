#include "core/classification.h"

#include <gtest/gtest.h>

namespace inferd {
namespace {

std::vector<std::string> Elements(const Tensor& t) {
  std::vector<std::string_view> views;
  EXPECT_TRUE(SplitBytesElements(t.name, std::string_view(t.data.data(), t.data.size()),
                                 ElementCount(t.shape).value(), &views).ok());
  return {views.begin(), views.end()};
}

Tensor Floats(Shape shape, std::vector<float> values) {
  std::string bytes(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
  return Tensor{"out", DataType::kFp32, std::move(shape), Buffer::FromString(bytes)};
}

TEST(Classification, TopKPerBatchItemWithLabels) {
  Tensor out = Floats({2, 3}, {0.1f, 0.7f, 0.2f, 3.3f, 1.0f, 2.0f});
  std::vector<std::string> labels = {"cat", "dog", "bird"};
  Tensor result;
  ASSERT_TRUE(Classify(out, 2, true, &labels, &result).ok());
  EXPECT_EQ(result.datatype, DataType::kBytes);
  EXPECT_EQ(result.shape, (Shape{2, 2}));
  EXPECT_EQ(Elements(result), (std::vector<std::string>{"0.700000:1:dog", "0.200000:2:bird", "3.300000:0:cat",
                                                         "2.000000:2:bird"}));
}

TEST(Classification, NonBatchedKLargerThanElements) {
  Tensor out = Floats({3}, {1, 3, 2});
  Tensor result;
  ASSERT_TRUE(Classify(out, 10, false, nullptr, &result).ok());
  EXPECT_EQ(result.shape, (Shape{3}));
  EXPECT_EQ(Elements(result), (std::vector<std::string>{"3.000000:1", "2.000000:2", "1.000000:0"}));
}

TEST(Classification, IntegersPrintAsIntegers) {
  int32_t values[] = {5, -1, 9};
  Tensor out{"i", DataType::kInt32, {3}, Buffer::FromString(std::string(reinterpret_cast<char*>(values), 12))};
  Tensor result;
  ASSERT_TRUE(Classify(out, 1, false, nullptr, &result).ok());
  EXPECT_EQ(Elements(result), (std::vector<std::string>{"9:2"}));
}

TEST(Classification, BoolIsRejected) {
  Tensor out{"flags", DataType::kBool, {2}, Buffer::FromString(std::string(2, '\1'))};
  Tensor result;
  Status status = Classify(out, 1, false, nullptr, &result);
  EXPECT_EQ(status.message(), "class result not available for output 'flags' due to unsupported type 'BOOL'");
}

}  // namespace
}  // namespace inferd
