#include "core/data_type.h"

#include <gtest/gtest.h>

#include "model_config.pb.h"

namespace inferd {
namespace {

TEST(DataType, NamesRoundTrip) {
  for (int value = 1; value <= 14; ++value) {
    auto type = static_cast<DataType>(value);
    EXPECT_EQ(DataTypeFromName(DataTypeName(type)), type) << value;
  }
}

TEST(DataType, MatchesModelConfigEnum) {
  // The config enum and ours must agree value for value and name for name.
  for (int value = 0; value <= 14; ++value) {
    EXPECT_EQ(inference::DataType_Name(static_cast<inference::DataType>(value)),
              DataTypeConfigName(static_cast<DataType>(value)));
  }
}

TEST(DataType, ByteSizes) {
  EXPECT_EQ(DataTypeByteSize(DataType::kBool), 1u);
  EXPECT_EQ(DataTypeByteSize(DataType::kFp16), 2u);
  EXPECT_EQ(DataTypeByteSize(DataType::kBf16), 2u);
  EXPECT_EQ(DataTypeByteSize(DataType::kInt32), 4u);
  EXPECT_EQ(DataTypeByteSize(DataType::kFp64), 8u);
  EXPECT_EQ(DataTypeByteSize(DataType::kBytes), 0u);
}

TEST(DataType, UnknownNameIsInvalid) {
  EXPECT_EQ(DataTypeFromName("FLOAT"), DataType::kInvalid);
  EXPECT_EQ(DataTypeFromName("fp32"), DataType::kInvalid);
  EXPECT_EQ(DataTypeFromName("INVALID"), DataType::kInvalid);
}

}  // namespace
}  // namespace inferd
