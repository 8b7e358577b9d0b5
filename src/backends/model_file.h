// Finding the file a backend loads for a model version.
#pragma once

#include <string>

#include "backends/backend.h"

namespace inferd {

// spec.model_path (or <version_dir>/<default_name> when empty); a folder
// stands for <folder>/<default_name>. Fails, naming the model, version and
// path, when no such file exists. `kind` names the format in the message
// ("ONNX", "TorchScript").
Status ResolveModelFile(const ModelSpec& spec, const std::string& default_name, const std::string& kind,
                        std::string* file);

}  // namespace inferd
