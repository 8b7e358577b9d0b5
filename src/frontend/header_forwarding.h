// HeaderForwarding: request headers (HTTP) or metadata (gRPC) whose name
// matches --http-header-forward-pattern / --grpc-header-forward-pattern
// become string parameters of the inference request, which a model reads
// like any other parameter (a Python model's request.parameters()).
//
// A name matches when the pattern (ECMAScript syntax) matches any part of it.
// Names are lower case: HTTP/1.1 header names are compared without regard to
// case, and gRPC metadata keys are lower case on the wire. A matching name
// that is a reserved parameter name fails the request.
#pragma once

#include <memory>
#include <regex>
#include <string>
#include <string_view>

#include "core/inference.h"
#include "core/status.h"

namespace inferd {

class HeaderForwarding {
 public:
  HeaderForwarding() = default;  // forwards nothing

  // An empty pattern forwards nothing; an invalid one is an error naming `flag`.
  static Status Create(std::string_view flag, const std::string& pattern, bool ignore_case, HeaderForwarding* out);

  bool enabled() const { return pattern_ != nullptr; }

  // Adds `name: value` to `request`'s parameters when the name matches, in
  // place of a parameter of the same name.
  Status Forward(std::string_view name, std::string_view value, InferenceRequest* request) const;

 private:
  std::string flag_;
  std::shared_ptr<const std::regex> pattern_;
};

}  // namespace inferd
