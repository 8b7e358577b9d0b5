// Rendering a ModelConfig as JSON in the shape Triton returns it from
// /v2/models/<m>/config (Triton's model configuration rules): proto field names, every scalar,
// repeated and map field printed even when default, sub-messages and oneof
// members only when set, enums by name, 64-bit integers as JSON numbers.
#pragma once

#include <string>

#include "core/status.h"
#include "model_config.pb.h"

namespace inferd {

std::string ModelConfigToJson(const google::protobuf::Message& config);

// Parses a model configuration given as JSON (a load request's `config`):
// proto field names or their camelCase forms, enum names in any case, 64-bit
// integers as numbers or strings. Unknown fields and syntax errors fail.
Status ParseModelConfigJson(const std::string& json, inference::ModelConfig* config);

}  // namespace inferd
