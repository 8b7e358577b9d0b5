// Checks a request against its model's config before it is queued: input
// names, datatypes, shapes (with -1 and the batch dimension), byte sizes,
// requested outputs. Shared by every frontend, so every protocol reports the
// same mistake with the same words.
#pragma once

#include <string>
#include <vector>

#include "core/inference.h"
#include "model_config.pb.h"

namespace inferd {

// On success rewrites input shapes to what the model expects (config
// `reshape`) and fills `output_names` with the outputs to produce.
Status ValidateRequest(const inference::ModelConfig& config, InferenceRequest* request,
                       std::vector<std::string>* output_names);

// Restores an output's API shape (config `dims`) from the model's shape
// when the config reshapes it; otherwise leaves it alone.
void ApplyOutputReshape(const inference::ModelConfig& config, Tensor* output);

}  // namespace inferd
