// Parsing --http-restricted-api / --grpc-restricted-protocol values.
#include <gtest/gtest.h>

#include "frontend/api_restrictions.h"

namespace inferd {
namespace {

TEST(ApiRestrictions, EveryCategoryIsOpenUntilRestricted) {
  ApiRestrictions restrictions;
  EXPECT_EQ(restrictions.For(ApiCategory::kInference), nullptr);
  ASSERT_TRUE(restrictions.Add("--f", "inference,model-repository:X-Key=a=b").ok());
  const ApiRestriction* inference = restrictions.For(ApiCategory::kInference);
  ASSERT_NE(inference, nullptr);
  EXPECT_EQ(inference->header, "X-Key");
  EXPECT_EQ(inference->lower_header, "x-key");
  EXPECT_EQ(inference->value, "a=b");  // the value is everything after the first '='
  EXPECT_EQ(restrictions.For(ApiCategory::kModelRepository)->value, "a=b");
  EXPECT_EQ(restrictions.For(ApiCategory::kHealth), nullptr);
  ASSERT_TRUE(restrictions.Add("--f", "health:other=").ok());  // an empty value is a value
  EXPECT_EQ(restrictions.For(ApiCategory::kHealth)->value, "");
}

TEST(ApiRestrictions, BadValuesNameTheFlagAndWhatIsWrong) {
  ApiRestrictions restrictions;
  Status status = restrictions.Add("--http-restricted-api", "trace,logs:k=v");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArg);
  EXPECT_NE(status.message().find("--http-restricted-api 'trace,logs:k=v': unknown category 'logs'"),
            std::string::npos);
  // Nothing of a rejected value is kept.
  EXPECT_EQ(restrictions.For(ApiCategory::kTrace), nullptr);
  EXPECT_FALSE(restrictions.Add("--f", ":k=v").ok());  // an empty category
  EXPECT_FALSE(restrictions.Add("--f", "trace").ok());
  EXPECT_FALSE(restrictions.Add("--f", "trace:k").ok());
  ASSERT_TRUE(restrictions.Add("--f", "trace:k=v").ok());
  status = restrictions.Add("--f", "logging,trace:k=w");
  EXPECT_NE(status.message().find("category 'trace' is already restricted"), std::string::npos);
  EXPECT_EQ(restrictions.For(ApiCategory::kLogging), nullptr);
}

}  // namespace
}  // namespace inferd
