#include "repository/repository_scan.h"

#include <filesystem>

#include "config/config_reader.h"

namespace inferd {
namespace fs = std::filesystem;

Status ScanRepositories(const std::vector<std::string>& repositories,
                        std::map<std::string, std::vector<std::string>>* folders) {
  for (const auto& repository : repositories) {
    std::error_code ec;
    for (const auto& item : fs::directory_iterator(repository, ec)) {
      if (item.is_directory(ec)) (*folders)[item.path().filename().string()].push_back(item.path().string());
    }
    if (ec) return Status::InvalidArg("unable to read model repository '" + repository + "': " + ec.message());
  }
  return Status::Ok();
}

bool ReadEnsembleSteps(const std::string& model_dir, std::vector<std::string>* steps) {
  inference::ModelConfig config;
  if (!fs::exists(model_dir + "/config.pbtxt") || !ReadModelConfigFile(model_dir + "/config.pbtxt", &config).ok()) {
    return false;
  }
  if (config.platform() != "ensemble" && config.backend() != "ensemble") return false;
  for (const auto& step : config.ensemble_scheduling().step()) steps->push_back(step.model_name());
  return true;
}

}  // namespace inferd
