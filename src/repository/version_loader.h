// The steps of loading one model's versions from its folder, once its
// complete config is known: which versions to load, and loading one.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "core/inference.h"
#include "repository/owned_version.h"

namespace inferd {

// The versions of `model_dir` that the config's version policy selects,
// ascending; logs the folders it ignores and the versions it misses. Fails
// when none is selected.
Status SelectModelVersions(const std::string& model_dir, const inference::ModelConfig& config,
                           std::vector<int64_t>* versions);

// Loads version `version` of a model: with `backend`, or as an ensemble
// running through `services` when `backend` is null.
Status CreateModelVersion(const std::string& model_dir, int64_t version,
                          std::shared_ptr<const inference::ModelConfig> config, Backend* backend,
                          const InferenceServices* services, OwnedVersion* out);

}  // namespace inferd
