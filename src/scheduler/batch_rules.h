// Which requests the dynamic batcher may run as one execution.
#pragma once

#include "core/inference.h"

namespace inferd {

// True when `a` and `b` carry the same inputs (names and datatypes) with
// equal dimensions after the batch dimension, so joining them along the
// batch dimension gives one well-formed input per name.
bool CanBatchTogether(const InferenceRequest& a, const InferenceRequest& b);

}  // namespace inferd
