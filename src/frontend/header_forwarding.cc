#include "frontend/header_forwarding.h"

#include <algorithm>

namespace inferd {
namespace {

// The parameters the protocol gives a meaning of its own.
bool IsReserved(std::string_view name) {
  static constexpr std::string_view kReserved[] = {"sequence_id", "sequence_start", "sequence_end", "priority",
                                                   "timeout",     "headers",        "binary_data_output"};
  return std::find(std::begin(kReserved), std::end(kReserved), name) != std::end(kReserved) ||
         name.substr(0, 7) == "triton_";
}

}  // namespace

Status HeaderForwarding::Create(std::string_view flag, const std::string& pattern, bool ignore_case,
                                HeaderForwarding* out) {
  *out = HeaderForwarding();
  if (pattern.empty()) return Status::Ok();
  auto syntax = std::regex::ECMAScript | std::regex::optimize;
  if (ignore_case) syntax |= std::regex::icase;
  try {
    out->pattern_ = std::make_shared<const std::regex>(pattern, syntax);
  } catch (const std::regex_error& error) {
    return Status::InvalidArg(std::string(flag) + " '" + pattern + "' is not a valid regular expression: " +
                              error.what());
  }
  out->flag_ = flag;
  return Status::Ok();
}

Status HeaderForwarding::Forward(std::string_view name, std::string_view value, InferenceRequest* request) const {
  if (!pattern_ || !std::regex_search(name.begin(), name.end(), *pattern_)) return Status::Ok();
  if (IsReserved(name)) {
    return Status::InvalidArg("header '" + std::string(name) + "' matches " + flag_ +
                              " but its name is a reserved parameter name");
  }
  auto& parameters = request->parameters;
  parameters.erase(std::remove_if(parameters.begin(), parameters.end(),
                                  [&](const auto& parameter) { return parameter.first == name; }),
                   parameters.end());
  parameters.emplace_back(std::string(name), std::string(value));
  return Status::Ok();
}

}  // namespace inferd
