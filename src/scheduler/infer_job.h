// InferJob: one validated request waiting for an execution instance.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/inference.h"

namespace inferd {

struct InferJob {
  std::shared_ptr<const InferenceRequest> request;
  std::vector<std::string> output_names;  // what the instance must produce, in order
  // Receives the request's responses, the last one with `final` set.
  std::function<void(Status, std::unique_ptr<InferenceResponse>, bool final)> on_response;
};

}  // namespace inferd
