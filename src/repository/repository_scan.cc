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

std::string ModelConfigPath(const std::string& model_dir, const std::string& config_name) {
  if (!config_name.empty()) {
    std::string custom = model_dir + "/configs/" + config_name + ".pbtxt";
    if (fs::is_regular_file(custom)) return custom;
  }
  return model_dir + "/config.pbtxt";
}

bool ReadEnsembleSteps(const std::string& model_dir, const std::string& config_name,
                       std::vector<std::string>* steps) {
  inference::ModelConfig config;
  std::string path = ModelConfigPath(model_dir, config_name);
  if (!fs::exists(path) || !ReadModelConfigFile(path, &config).ok()) return false;
  if (config.platform() != "ensemble" && config.backend() != "ensemble") return false;
  for (const auto& step : config.ensemble_scheduling().step()) steps->push_back(step.model_name());
  return true;
}

}  // namespace inferd
