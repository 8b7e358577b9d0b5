// The table of models and their status printed at start-up, as tritonserver does.
#pragma once

#include <string>
#include <vector>

#include "repository/model_manager.h"

namespace inferd {

std::string FormatModelTable(const std::vector<ModelStatus>& models);

}  // namespace inferd
