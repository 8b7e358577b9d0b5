// Validation of a complete model config (spec/config.md §6). Messages name
// the model, the field and the offending value.
#pragma once

#include "core/status.h"
#include "model_config.pb.h"

namespace inferd {

Status ValidateModelConfig(const inference::ModelConfig& config);

}  // namespace inferd
