#include "backends/onnxruntime/ort_session_options.h"

#include <charconv>

#include "core/ascii.h"

namespace inferd::ort {
namespace {

constexpr std::string_view kSessionEntryPrefix = "session.";

Status BadParameter(const std::string& model_name, const std::string& key, const std::string& value,
                    const std::string& expected) {
  return Status::InvalidArg("model '" + model_name + "': parameter '" + key + "' has value '" +
                            value + "'; expected " + expected);
}

// Reads parameter `key` as a non-negative int; leaves *value alone when the
// parameter is absent.
Status ReadThreadCount(const std::string& model_name, const inference::ModelConfig& config,
                       const std::string& key, int* value) {
  auto it = config.parameters().find(key);
  if (it == config.parameters().end()) return Status::Ok();
  const std::string& text = it->second.string_value();
  if (!ParseIntParameter(text, value) || *value < 0) {
    return BadParameter(model_name, key, text, "a whole number >= 0");
  }
  return Status::Ok();
}

// Reads parameter `key` as a bool; *present says whether it was given.
Status ReadBool(const std::string& model_name, const inference::ModelConfig& config,
                const std::string& key, bool* present, bool* value) {
  auto it = config.parameters().find(key);
  *present = it != config.parameters().end();
  if (!*present) return Status::Ok();
  const std::string& text = it->second.string_value();
  if (!ParseBoolParameter(text, value)) {
    return BadParameter(model_name, key, text, "1/0, true/false or on/off");
  }
  return Status::Ok();
}

GraphOptimization GraphLevel(const inference::ModelConfig& config) {
  if (!config.has_optimization() || !config.optimization().has_graph()) {
    return GraphOptimization::kAll;
  }
  switch (config.optimization().graph().level()) {
    case -1: return GraphOptimization::kBasic;
    case 1: return GraphOptimization::kExtended;
    case 2: return GraphOptimization::kDisableAll;
    default: return GraphOptimization::kAll;
  }
}

}  // namespace

bool ParseBoolParameter(const std::string& text, bool* value) {
  const std::string lower = LowerAscii(text);
  if (lower == "1" || lower == "true" || lower == "on") {
    *value = true;
    return true;
  }
  if (lower == "0" || lower == "false" || lower == "off") {
    *value = false;
    return true;
  }
  return false;
}

bool ParseIntParameter(const std::string& text, int* value) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  auto [next, error] = std::from_chars(begin, end, *value);
  return error == std::errc() && next == end && !text.empty();
}

Status MakeSessionOptions(const OrtLibrary& library, const std::string& model_name,
                          const inference::ModelConfig& config, SessionPurpose purpose,
                          Owned<OrtSessionOptions>* out) {
  const OrtApi& api = library.api();
  const std::string prefix = "model '" + model_name + "': cannot set session options: ";

  OrtSessionOptions* raw = nullptr;
  INFERD_RETURN_IF_ORT_ERROR(api, api.CreateSessionOptions(&raw), prefix);
  Owned<OrtSessionOptions> options = Own(api, raw);

  // Parse everything first so a bad value is reported even for inspection.
  int intra_threads = 0;
  int inter_threads = 0;
  INFERD_RETURN_IF_ERROR(
      ReadThreadCount(model_name, config, "intra_op_thread_count", &intra_threads));
  INFERD_RETURN_IF_ERROR(
      ReadThreadCount(model_name, config, "inter_op_thread_count", &inter_threads));
  int execution_mode = 0;
  if (auto it = config.parameters().find("execution_mode"); it != config.parameters().end()) {
    const std::string& text = it->second.string_value();
    if (!ParseIntParameter(text, &execution_mode) || (execution_mode != 0 && execution_mode != 1)) {
      return BadParameter(model_name, "execution_mode", text, "0 (sequential) or 1 (parallel)");
    }
  }
  bool arena_given = false, arena = false, pattern_given = false, pattern = false;
  INFERD_RETURN_IF_ERROR(ReadBool(model_name, config, "enable_mem_arena", &arena_given, &arena));
  INFERD_RETURN_IF_ERROR(
      ReadBool(model_name, config, "enable_mem_pattern", &pattern_given, &pattern));

  if (config.has_optimization() && config.optimization().has_execution_accelerators()) {
    const auto& cpu = config.optimization().execution_accelerators().cpu_execution_accelerator();
    if (!cpu.empty()) {
      return Status::Unsupported("model '" + model_name + "': unknown execution accelerator '" +
                                 cpu[0].name() +
                                 "' is requested; this build of inferd has no CPU accelerators");
    }
  }

  if (purpose == SessionPurpose::kInspect) {
    intra_threads = 1;
    inter_threads = 1;
  }
  GraphOptimization level =
      purpose == SessionPurpose::kInspect ? GraphOptimization::kDisableAll : GraphLevel(config);

  INFERD_RETURN_IF_ORT_ERROR(api, api.SetSessionGraphOptimizationLevel(options.get(), level),
                             prefix);
  INFERD_RETURN_IF_ORT_ERROR(
      api,
      api.SetSessionExecutionMode(options.get(), execution_mode == 1 ? ExecutionMode::kParallel
                                                                     : ExecutionMode::kSequential),
      prefix);
  if (intra_threads > 0) {
    INFERD_RETURN_IF_ORT_ERROR(api, api.SetIntraOpNumThreads(options.get(), intra_threads), prefix);
  }
  if (inter_threads > 0) {
    INFERD_RETURN_IF_ORT_ERROR(api, api.SetInterOpNumThreads(options.get(), inter_threads), prefix);
  }
  if (arena_given) {
    INFERD_RETURN_IF_ORT_ERROR(
        api, arena ? api.EnableCpuMemArena(options.get()) : api.DisableCpuMemArena(options.get()),
        prefix);
  }
  if (pattern_given) {
    INFERD_RETURN_IF_ORT_ERROR(
        api, pattern ? api.EnableMemPattern(options.get()) : api.DisableMemPattern(options.get()),
        prefix);
  }
  for (const auto& [key, parameter] : config.parameters()) {
    if (key.size() > kSessionEntryPrefix.size() && key.starts_with(kSessionEntryPrefix)) {
      INFERD_RETURN_IF_ORT_ERROR(
          api,
          api.AddSessionConfigEntry(options.get(), key.c_str(), parameter.string_value().c_str()),
          "model '" + model_name + "': parameter '" + key + "' with value '" +
              parameter.string_value() + "' rejected: ");
    }
  }
  for (const std::string& library_file : config.model_operations().op_library_filename()) {
    INFERD_RETURN_IF_ORT_ERROR(
        api, api.RegisterCustomOpsLibraryV2(options.get(), library_file.c_str()),
        "model '" + model_name + "': cannot load custom operation library '" + library_file +
            "': ");
  }
  *out = std::move(options);
  return Status::Ok();
}

}  // namespace inferd::ort
