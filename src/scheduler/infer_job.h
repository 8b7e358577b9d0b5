// InferJob: one validated request waiting for an execution instance.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/inference.h"

namespace inferd {

struct InferJob {
  std::unique_ptr<InferenceRequest> request;
  std::vector<std::string> output_names;  // what the instance must produce, in order
  // Called once, on the instance's thread, with the outputs or the failure.
  std::function<void(Status, std::unique_ptr<InferenceRequest>, std::vector<Tensor>)> done;
};

}  // namespace inferd
