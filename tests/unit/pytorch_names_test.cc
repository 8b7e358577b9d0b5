// The pytorch backend's tensor naming rules and config parameters (plain
// code, no libtorch needed; built only when the backend is).
#ifdef INFERD_WITH_PYTORCH

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include "backends/pytorch/torch_names.h"
#include "backends/pytorch/torch_options.h"

namespace inferd::pytorch {
namespace {

const std::vector<ForwardArgument> kAB = {{"a", false}, {"b", false}};

TEST(PyTorchNames, ConventionIndex) {
  EXPECT_EQ(ConventionIndex("INPUT__0"), 0u);
  EXPECT_EQ(ConventionIndex("output__12"), 12u);
  EXPECT_EQ(ConventionIndex("x__y__3"), 3u);
  EXPECT_FALSE(ConventionIndex("INPUT0").has_value());
  EXPECT_FALSE(ConventionIndex("INPUT__").has_value());
  EXPECT_FALSE(ConventionIndex("INPUT__1a").has_value());
}

TEST(PyTorchNames, InputsByIndexInAnyOrder) {
  std::vector<size_t> positions;
  ASSERT_TRUE(MapInputNames("m", {"IN__1", "IN__0"}, kAB, &positions).ok());
  EXPECT_EQ(positions, (std::vector<size_t>{1, 0}));
}

TEST(PyTorchNames, InputsByArgumentName) {
  std::vector<size_t> positions;
  ASSERT_TRUE(MapInputNames("m", {"b", "a"}, kAB, &positions).ok());
  EXPECT_EQ(positions, (std::vector<size_t>{1, 0}));
}

TEST(PyTorchNames, UnknownNameListsArguments) {
  std::vector<size_t> positions;
  Status status = MapInputNames("m", {"a", "c"}, kAB, &positions);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("'c'"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("a, b"), std::string::npos) << status.message();
}

TEST(PyTorchNames, IndexOutOfRangeAndUnfedArgument) {
  std::vector<size_t> positions;
  EXPECT_FALSE(MapInputNames("m", {"IN__0", "IN__2"}, kAB, &positions).ok());
  EXPECT_FALSE(MapInputNames("m", {"a"}, kAB, &positions).ok());
  ASSERT_TRUE(MapInputNames("m", {"a"}, {{"a", false}, {"b", true}}, &positions).ok());
}

TEST(PyTorchNames, Outputs) {
  std::vector<size_t> positions;
  // A name without the convention takes its position in the config's list.
  EXPECT_FALSE(MapOutputNames("m", {"OUT__1", "SCORES"}, &positions).ok());  // both read 1
  ASSERT_TRUE(MapOutputNames("m", {"SCORES", "OUT__1"}, &positions).ok());
  EXPECT_EQ(positions, (std::vector<size_t>{0, 1}));
  EXPECT_FALSE(MapOutputNames("m", {"A__0", "B__0"}, &positions).ok());
}

TEST(PyTorchOptions, ParsesParameters) {
  inference::ModelConfig config;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(R"(
    parameters { key: "INTRA_OP_THREAD_COUNT" value: { string_value: "3" } }
    parameters { key: "INFERENCE_MODE" value: { string_value: "false" } }
    parameters { key: "ENABLE_FREEZE_AND_OPTIMIZE" value: { string_value: "true" } })",
                                                          &config));
  TorchOptions options;
  ASSERT_TRUE(ParseTorchOptions("m", config, &options).ok());
  EXPECT_EQ(options.intra_op_threads, 3);
  EXPECT_FALSE(options.inter_op_threads.has_value());
  EXPECT_FALSE(options.inference_mode);
  EXPECT_TRUE(options.freeze_and_optimize);
  EXPECT_FALSE(options.disable_optimized_execution);
}

TEST(PyTorchOptions, RejectsMalformedValues) {
  inference::ModelConfig config;
  (*config.mutable_parameters())["INTRA_OP_THREAD_COUNT"].set_string_value("0");
  TorchOptions options;
  Status status = ParseTorchOptions("m", config, &options);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("INTRA_OP_THREAD_COUNT"), std::string::npos);
  config.clear_parameters();
  (*config.mutable_parameters())["INFERENCE_MODE"].set_string_value("maybe");
  EXPECT_FALSE(ParseTorchOptions("m", config, &options).ok());
}

}  // namespace
}  // namespace inferd::pytorch

#endif  // INFERD_WITH_PYTORCH
