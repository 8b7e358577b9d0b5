// Checks an ensemble against the configs of its step models, as Triton does:
// mapped tensor names exist, required inputs are mapped,
// every ensemble tensor has one datatype and compatible shapes, and no step
// model batches less than the ensemble.
#pragma once

#include <functional>
#include <string>

#include "core/status.h"
#include "model_config.pb.h"

namespace inferd {

// Finds the config of a READY step model, or says why there is none.
using StepConfigLookup =
    std::function<Status(const std::string& model, int64_t version, const inference::ModelConfig** config)>;

Status CheckEnsembleSteps(const inference::ModelConfig& ensemble, const StepConfigLookup& lookup);

}  // namespace inferd
