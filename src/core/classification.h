// The classification extension: replaces an output by its top-K classes as
// BYTES elements "<value>:<index>" or "<value>:<index>:<label>".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"

namespace inferd {

// `batched`: the model has max_batch_size > 0, so the first dimension of
// `output` is the batch and each batch item is classified separately.
// `labels` may be null. Floats are written like printf's %f, integers as
// integers; ties keep the lower index first.
Status Classify(const Tensor& output, uint32_t k, bool batched, const std::vector<std::string>* labels,
                Tensor* result);

}  // namespace inferd
