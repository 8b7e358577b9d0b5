// Reading the JSON replies of KServe v2 HTTP metadata calls.
#pragma once

#include <string>
#include <vector>

#include "perf/model_info.h"
#include "perf/status.h"

namespace inferd::perf {

// The "error" string of an error reply; empty when the body has none.
std::string ErrorMessageOf(const std::string& body);

// GET /v2 → "extensions".
Status ParseServerExtensions(const std::string& body, std::vector<std::string>* extensions);

// GET /v2/models/<m> → inputs and outputs, given the model's max_batch_size
// (the leading batch dimension is dropped from batching models' shapes).
Status ParseModelMetadata(const std::string& body, int64_t max_batch_size, ModelInfo* model);

// GET /v2/models/<m>/config → "max_batch_size" (0 when absent).
Status ParseMaxBatchSize(const std::string& body, int64_t* max_batch_size);

}  // namespace inferd::perf
