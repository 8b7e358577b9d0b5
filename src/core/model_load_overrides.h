// ModelLoadOverrides: what a load request (the model repository extension's
// load parameters, or a Python model's load_model) replaces in a model's
// repository folder for that load.
#pragma once

#include <map>
#include <string>

#include "core/status.h"

namespace inferd {

struct ModelLoadOverrides {
  // A complete model configuration as JSON, in the shape /config returns it;
  // used instead of config.pbtxt. Empty: the folder's config.pbtxt.
  std::string config;
  // The files of a fresh model folder that replaces the repository folder,
  // by path relative to it ("1/model.onnx") with their contents. `config`
  // is required with them.
  std::map<std::string, std::string> files;

  bool empty() const { return config.empty() && files.empty(); }
};

// True for the keys a load request may carry: "config" and "file:<path>".
bool IsLoadParameter(const std::string& key);

// Adds one load parameter: "config" with the JSON text, or "file:<path>"
// with the file's bytes. Unknown keys are INVALID_ARG.
Status AddLoadParameter(const std::string& key, std::string value, ModelLoadOverrides* overrides);

}  // namespace inferd
