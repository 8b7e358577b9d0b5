// Produces the complete, validated config of a model folder: reads
// config.pbtxt or configs/<--model-config-name>.pbtxt (if any), resolves platform and backend, lets the backend
// auto-complete it, applies the server defaults and validates the result.
#pragma once

#include <string>

#include "backends/backend_registry.h"
#include "core/status.h"
#include "model_config.pb.h"

namespace inferd {

struct ConfigLoadOptions {
  bool auto_complete = true;  // false with --disable-auto-complete-config
  std::string config_name;    // --model-config-name: configs/<name>.pbtxt where a folder has it
};

// `given`, when not null, is used instead of the folder's config.pbtxt (a
// load request's `config` override).
Status LoadModelConfig(const std::string& model_dir, const ConfigLoadOptions& options,
                       BackendRegistry* backends, inference::ModelConfig* config,
                       const inference::ModelConfig* given = nullptr);

}  // namespace inferd
