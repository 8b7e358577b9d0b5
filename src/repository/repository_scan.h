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

// The configuration file of a model folder: configs/<config_name>.pbtxt when
// a name is given (--model-config-name) and that file exists, else
// config.pbtxt. The file need not exist.
std::string ModelConfigPath(const std::string& model_dir, const std::string& config_name);

// The step models of an ensemble folder, read from its configuration file;
// false when the folder is not an ensemble (or its config does not parse,
// which its load then reports).
bool ReadEnsembleSteps(const std::string& model_dir, const std::string& config_name,
                       std::vector<std::string>* steps);

}  // namespace inferd
