// Bodies of the model repository extension's load and unload requests
// (POST /v2/repository/models/<m>/load and .../unload).
#pragma once

#include <string>

#include "core/model_load_overrides.h"
#include "core/status.h"

namespace inferd {

// Empty, {} or {"parameters": {...}}: every parameter value is a JSON
// string; `config` is the model config JSON, `file:<path>` the file's bytes
// in base64. An unknown key is INTERNAL, as Triton answers it (500).
Status ReadLoadRequestJson(const std::string& body, ModelLoadOverrides* overrides);

// Empty, {} or {"parameters": {"unload_dependents": <bool>}}.
Status ReadUnloadRequestJson(const std::string& body, bool* unload_dependents);

}  // namespace inferd
