// Fills `platform`, `backend` and `default_model_filename` of a config from
// what is set and what files the model folder holds, with Triton's rules
// (Triton's model configuration rules). Runs on every load, even with auto-complete disabled.
#pragma once

#include <string>

#include "core/status.h"
#include "model_config.pb.h"

namespace inferd {

// `model_dir` is <repository>/<model>; only its lexicographically first
// sub-folder is inspected. Fails when no backend can be determined or when a
// known backend contradicts a known platform.
Status ResolvePlatformAndBackend(const std::string& model_dir, inference::ModelConfig* config);

// The file a backend loads when default_model_filename is unset ("model.onnx").
std::string DefaultModelFilename(const std::string& backend, const std::string& platform);

}  // namespace inferd
