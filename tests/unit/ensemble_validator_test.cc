#include "config/ensemble_validator.h"

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include "repository/ensemble_step_checks.h"

namespace inferd {
namespace {

inference::ModelConfig Ensemble(const std::string& steps, const std::string& io =
                                                             R"(input { name: "IN" data_type: TYPE_FP32 dims: [ 4 ] }
                                                                output { name: "OUT" data_type: TYPE_FP32 dims: [ 4 ] })") {
  inference::ModelConfig config;
  std::string text = "name: \"ens\" platform: \"ensemble\" " + io + " ensemble_scheduling { " + steps + " }";
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &config)) << text;
  return config;
}

const char* kChain = R"(
  step { model_name: "a" input_map { key: "x" value: "IN" } output_map { key: "y" value: "MID" } }
  step { model_name: "b" input_map { key: "x" value: "MID" } output_map { key: "y" value: "OUT" } })";

TEST(EnsembleValidator, AcceptsAChain) { EXPECT_TRUE(ValidateEnsembleConfig(Ensemble(kChain)).ok()); }

TEST(EnsembleValidator, StepsNeedModelAndMaps) {
  EXPECT_EQ(ValidateEnsembleConfig(Ensemble("")).message(), "ensemble 'ens' must have at least one step");
  EXPECT_EQ(ValidateEnsembleConfig(Ensemble(R"(step { model_name: "a" output_map { key: "y" value: "OUT" } })"))
                .message(),
            "ensemble 'ens' step 0 ('a') must have an 'input_map'");
}

TEST(EnsembleValidator, CycleCannotRun) {
  Status status = ValidateEnsembleConfig(Ensemble(R"(
    step { model_name: "a" input_map { key: "x" value: "B_OUT" } output_map { key: "y" value: "A_OUT" } }
    step { model_name: "b" input_map { key: "x" value: "A_OUT" } output_map { key: "y" value: "B_OUT" } }
    step { model_name: "c" input_map { key: "x" value: "IN" } output_map { key: "y" value: "OUT" } })"));
  EXPECT_EQ(status.message(),
            "ensemble 'ens' step 0 ('a') can never run: its input 'x' reads ensemble tensor 'B_OUT', which no input "
            "or earlier step provides (or the steps form a cycle)");
}

TEST(EnsembleValidator, TensorWrittenTwice) {
  Status status = ValidateEnsembleConfig(Ensemble(R"(
    step { model_name: "a" input_map { key: "x" value: "IN" } output_map { key: "y" value: "OUT" } }
    step { model_name: "b" input_map { key: "x" value: "IN" } output_map { key: "y" value: "OUT" } })"));
  EXPECT_EQ(status.message(),
            "ensemble 'ens' step 1 ('b') writes ensemble tensor 'OUT', which step 0 already writes; a tensor has one "
            "producer");
}

TEST(EnsembleValidator, OutputNeverWrittenAndInputNeverUsed) {
  EXPECT_EQ(ValidateEnsembleConfig(Ensemble(R"(
    step { model_name: "a" input_map { key: "x" value: "IN" } output_map { key: "y" value: "OTHER" } })"))
                .message(),
            "ensemble 'ens': output 'OUT' is not written by any step");
  EXPECT_EQ(ValidateEnsembleConfig(Ensemble(kChain, R"(input { name: "IN" data_type: TYPE_FP32 dims: [ 4 ] }
                                                       input { name: "SPARE" data_type: TYPE_FP32 dims: [ 4 ] }
                                                       output { name: "OUT" data_type: TYPE_FP32 dims: [ 4 ] })"))
                .message(),
            "ensemble 'ens': input 'SPARE' is not used by any step");
}

TEST(EnsembleValidator, UnusedIntermediateTensor) {
  Status status = ValidateEnsembleConfig(Ensemble(R"(
    step { model_name: "a" input_map { key: "x" value: "IN" } output_map { key: "y" value: "OUT" }
           output_map { key: "z" value: "LOST" } })"));
  EXPECT_EQ(status.message(), "ensemble 'ens': ensemble tensor 'LOST' written by step 0 is unused");
}

// Step models for CheckEnsembleSteps.
inference::ModelConfig StepModel(const std::string& text) {
  inference::ModelConfig config;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &config));
  return config;
}

TEST(EnsembleStepChecks, DatatypeMismatchNamesBothSides) {
  auto a = StepModel(R"(name: "a" input { name: "x" data_type: TYPE_FP32 dims: [ 4 ] }
                       output { name: "y" data_type: TYPE_INT32 dims: [ 4 ] })");
  auto b = StepModel(R"(name: "b" input { name: "x" data_type: TYPE_FP32 dims: [ 4 ] }
                       output { name: "y" data_type: TYPE_FP32 dims: [ 4 ] })");
  Status status = CheckEnsembleSteps(Ensemble(kChain), [&](const std::string& name, int64_t,
                                                           const inference::ModelConfig** config) {
    *config = name == "a" ? &a : &b;
    return Status::Ok();
  });
  EXPECT_EQ(status.message(),
            "in ensemble 'ens', tensor 'MID' is TYPE_INT32 for step 0 output 'y' but TYPE_FP32 for step 1 input 'x'");
}

TEST(EnsembleStepChecks, UnknownStepModelAndMissingInput) {
  auto b = StepModel(R"(name: "b" input { name: "x" data_type: TYPE_FP32 dims: [ 4 ] }
                       input { name: "extra" data_type: TYPE_FP32 dims: [ 4 ] }
                       output { name: "y" data_type: TYPE_FP32 dims: [ 4 ] })");
  auto lookup = [&](const std::string& name, int64_t, const inference::ModelConfig** config) {
    if (name == "a") return Status::NotFound("Request for unknown model: 'a' is not found");
    *config = &b;
    return Status::Ok();
  };
  EXPECT_EQ(CheckEnsembleSteps(Ensemble(kChain), lookup).message(),
            "ensemble 'ens' step 0 ('a'): Request for unknown model: 'a' is not found");
  auto b_only = Ensemble(R"(step { model_name: "b" input_map { key: "x" value: "IN" } output_map { key: "y" value: "OUT" } })");
  EXPECT_EQ(CheckEnsembleSteps(b_only, lookup).message(),
            "ensemble 'ens' step 0 ('b'): required input 'extra' of model 'b' is not in the step's input_map");
}

}  // namespace
}  // namespace inferd
