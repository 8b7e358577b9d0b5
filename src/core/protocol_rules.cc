#include "core/protocol_rules.h"

namespace inferd {

Status ParseModelVersion(std::string_view text, int64_t* version) {
  if (text.empty()) {
    *version = -1;
    return Status::Ok();
  }
  if (text.size() > 18 || text.find_first_not_of("0123456789") != std::string_view::npos) {
    return Status::InvalidArg("failed to parse model version '" + std::string(text) +
                              "': a version is a non-negative decimal number");
  }
  *version = std::stoll(std::string(text));
  return Status::Ok();
}

Status CheckSchedulingParameter(const std::string& key, const ParameterValue& value) {
  if (key != "priority" && key != "timeout") return Status::Ok();
  const int64_t* number = std::get_if<int64_t>(&value);
  if (number && *number < 0) {
    return Status::InvalidArg("invalid value for '" + key + "', expected value >= 0.");
  }
  if (!number && !std::holds_alternative<uint64_t>(value)) {
    return Status::InvalidArg("invalid value for '" + key + "', expected an unsigned integer.");
  }
  return Status::Ok();
}

uint64_t SchedulingParameter(const InferenceRequest& request, const char* key) {
  for (const auto& [name, value] : request.parameters) {
    if (name != key) continue;
    if (const auto* i = std::get_if<int64_t>(&value)) return *i < 0 ? 0 : static_cast<uint64_t>(*i);
    if (const auto* u = std::get_if<uint64_t>(&value)) return *u;
  }
  return 0;
}

Status CheckCustomParameterName(const std::string& key) {
  if (key.rfind("triton_", 0) == 0) {
    return Status::InvalidArg("parameter keys starting with 'triton_' are reserved for Triton usage and should not "
                              "be specified, got '" + key + "'");
  }
  return Status::Ok();
}

Status ExtensionNotSupported(std::string_view extension) {
  return Status::Unsupported(std::string(extension) + " is not supported by this version of inferd");
}

Status CudaSharedMemoryNotSupported() {
  return Status::Unsupported("CUDA shared memory is not supported: this build of inferd has no GPU support");
}

Status ModelControlNotAllowed() {
  return Status::Unavailable("explicit model load / unload is not allowed if polling is enabled");
}

}  // namespace inferd
