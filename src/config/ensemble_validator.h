// Validation of an ensemble's own configuration, as Triton validates it:
// the steps are well formed and the data flows from the ensemble's
// inputs through every step to every output. Checks against the step
// models' configs come later, once those models are loaded.
#pragma once

#include "core/status.h"
#include "model_config.pb.h"

namespace inferd {

Status ValidateEnsembleConfig(const inference::ModelConfig& config);

}  // namespace inferd
