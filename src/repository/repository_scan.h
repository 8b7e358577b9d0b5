// Reading the model repositories: which model folders they hold, and which
// models an ensemble folder names as its steps.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/status.h"

namespace inferd {

// Model name -> its folders, one per repository that has it (more than one
// is an error the caller reports). Fails when a repository is unreadable.
Status ScanRepositories(const std::vector<std::string>& repositories,
                        std::map<std::string, std::vector<std::string>>* folders);

// The step models of an ensemble folder, read from its config.pbtxt; false
// when the folder is not an ensemble (or its config does not parse, which
// its load then reports).
bool ReadEnsembleSteps(const std::string& model_dir, std::vector<std::string>* steps);

}  // namespace inferd
