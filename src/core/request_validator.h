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

// On success fills `output_names` with the outputs to produce. Shapes stay
// in the API form (config `dims`); a backend applies `reshape` itself.
Status ValidateRequest(const inference::ModelConfig& config, InferenceRequest* request,
                       std::vector<std::string>* output_names);

// Inferences a validated request carries: its batch dimension when the model
// batches, else 1.
uint64_t RequestBatchSize(const InferenceRequest& request, bool model_batches);

}  // namespace inferd
