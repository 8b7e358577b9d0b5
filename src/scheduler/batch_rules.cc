#include "scheduler/batch_rules.h"

#include <algorithm>

namespace inferd {

bool CanBatchTogether(const InferenceRequest& a, const InferenceRequest& b) {
  if (a.inputs.size() != b.inputs.size()) return false;
  for (const Tensor& x : a.inputs) {
    auto y = std::find_if(b.inputs.begin(), b.inputs.end(), [&](const Tensor& t) { return t.name == x.name; });
    if (y == b.inputs.end() || y->datatype != x.datatype || y->shape.size() != x.shape.size() || x.shape.empty()) {
      return false;
    }
    if (!std::equal(x.shape.begin() + 1, x.shape.end(), y->shape.begin() + 1)) return false;
  }
  return true;
}

}  // namespace inferd
