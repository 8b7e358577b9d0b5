// Rendering a ModelConfig as JSON in the shape Triton returns it from
// /v2/models/<m>/config (Triton's model configuration rules): proto field names, every scalar,
// repeated and map field printed even when default, sub-messages and oneof
// members only when set, enums by name, 64-bit integers as JSON numbers.
#pragma once

#include <string>

#include "model_config.pb.h"

namespace inferd {

std::string ModelConfigToJson(const google::protobuf::Message& config);

}  // namespace inferd
