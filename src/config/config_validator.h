// Validation of a complete model config (Triton's model configuration rules). Messages name
// the model, the field and the offending value.
#pragma once

#include "core/status.h"
#include "model_config.pb.h"

namespace inferd {

Status ValidateModelConfig(const inference::ModelConfig& config);

// Checks the dims the config itself declares (before auto-complete adds any),
// so a mistake in config.pbtxt is reported as such rather than as a mismatch
// with the model file.
Status ValidateDeclaredDims(const inference::ModelConfig& config);

}  // namespace inferd
