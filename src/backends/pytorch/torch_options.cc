#include "backends/pytorch/torch_options.h"

#include <charconv>

#include "core/ascii.h"

namespace inferd::pytorch {
namespace {

const std::string* Find(const inference::ModelConfig& config, const std::string& key) {
  auto it = config.parameters().find(key);
  return it == config.parameters().end() ? nullptr : &it->second.string_value();
}

Status Malformed(const std::string& model_name, const std::string& key, const std::string& value,
                 const std::string& expected) {
  return Status::InvalidArg("model '" + model_name + "': parameter '" + key + "' has value '" +
                            value + "'; expected " + expected);
}

Status ReadBool(const std::string& model_name, const inference::ModelConfig& config,
                const std::string& key, std::optional<bool>* out) {
  const std::string* value = Find(config, key);
  if (value == nullptr) return Status::Ok();
  const std::string lower = LowerAscii(*value);
  if (lower == "true" || lower == "1" || lower == "yes" || lower == "on") {
    *out = true;
  } else if (lower == "false" || lower == "0" || lower == "no" || lower == "off") {
    *out = false;
  } else {
    return Malformed(model_name, key, *value, "\"true\" or \"false\"");
  }
  return Status::Ok();
}

Status ReadThreads(const std::string& model_name, const inference::ModelConfig& config,
                   const std::string& key, std::optional<int>* out) {
  const std::string* value = Find(config, key);
  if (value == nullptr) return Status::Ok();
  int count = 0;
  if (!ParseThreadCount(*value, &count)) {
    return Malformed(model_name, key, *value, "a whole number >= 1");
  }
  *out = count;
  return Status::Ok();
}

}  // namespace

bool ParseThreadCount(const std::string& text, int* out) {
  int value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || ptr != end || value < 1) return false;
  *out = value;
  return true;
}

Status ParseTorchOptions(const std::string& model_name, const inference::ModelConfig& config,
                         TorchOptions* out) {
  TorchOptions options;
  INFERD_RETURN_IF_ERROR(
      ReadThreads(model_name, config, "INTRA_OP_THREAD_COUNT", &options.intra_op_threads));
  INFERD_RETURN_IF_ERROR(
      ReadThreads(model_name, config, "INTER_OP_THREAD_COUNT", &options.inter_op_threads));
  std::optional<bool> flag;
  INFERD_RETURN_IF_ERROR(ReadBool(model_name, config, "DISABLE_OPTIMIZED_EXECUTION", &flag));
  options.disable_optimized_execution = flag.value_or(false);
  flag.reset();
  INFERD_RETURN_IF_ERROR(ReadBool(model_name, config, "INFERENCE_MODE", &flag));
  options.inference_mode = flag.value_or(true);
  flag.reset();
  INFERD_RETURN_IF_ERROR(ReadBool(model_name, config, "ENABLE_FREEZE_AND_OPTIMIZE", &flag));
  options.freeze_and_optimize = flag.value_or(false);
  INFERD_RETURN_IF_ERROR(ReadBool(model_name, config, "ENABLE_JIT_EXECUTOR", &options.jit_executor));
  INFERD_RETURN_IF_ERROR(
      ReadBool(model_name, config, "ENABLE_JIT_PROFILING", &options.jit_profiling));
  *out = options;
  return Status::Ok();
}

}  // namespace inferd::pytorch
