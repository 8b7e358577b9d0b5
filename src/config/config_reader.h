// Reading config.pbtxt: protobuf text format against inference.ModelConfig.
#pragma once

#include <string>

#include "core/status.h"
#include "model_config.pb.h"

namespace inferd {

// Parses `text` (the contents of `path`, which is used in messages only).
// Unknown fields and syntax errors fail with the file, line and column.
Status ParseModelConfigText(const std::string& path, const std::string& text,
                            inference::ModelConfig* config);

// Reads and parses the file at `path`.
Status ReadModelConfigFile(const std::string& path, inference::ModelConfig* config);

}  // namespace inferd
