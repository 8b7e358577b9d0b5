// Joining the tensors of several requests along the batch dimension (the
// first), and cutting a batched result back into each request's rows.
#pragma once

#include <vector>

#include "core/tensor.h"

namespace inferd {

// Joins `parts` (same name, datatype and dimensions after the first) into
// one tensor whose first dimension is the sum of theirs. A single part is
// passed on without a copy.
Status ConcatBatch(const std::vector<const Tensor*>& parts, Tensor* out);

// Cuts `whole` into consecutive row ranges of `rows` rows each; the parts are
// views of `whole`'s bytes. Fails, naming the tensor, when its first
// dimension is not the sum of `rows`.
Status SplitBatch(const Tensor& whole, const std::vector<int64_t>& rows, std::vector<Tensor>* parts);

}  // namespace inferd
