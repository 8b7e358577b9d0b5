#include "repository/version_loader.h"

#include <filesystem>

#include "core/logging.h"
#include "repository/version_policy.h"

namespace inferd {
namespace fs = std::filesystem;

Status SelectModelVersions(const std::string& model_dir, const inference::ModelConfig& config,
                           std::vector<int64_t>* versions) {
  const std::string& name = config.name();
  std::vector<std::string> ignored;
  std::vector<int64_t> missing;
  *versions = SelectVersions(config.version_policy(), ListVersionFolders(model_dir, &ignored), &missing);
  for (const auto& folder : ignored) {
    LOG_WARNING << "ignoring folder '" << folder << "' of model '" << name
                << "': version folders must be named with a number without leading zeros";
  }
  for (int64_t version : missing) {
    LOG_WARNING << "version " << version << " of model '" << name
                << "' is listed in version_policy but has no folder";
  }
  if (versions->empty()) {
    return Status::InvalidArg("no version folder of '" + model_dir + "' is selected by the version policy");
  }
  return Status::Ok();
}

Status CreateModelVersion(const std::string& model_dir, int64_t version,
                          std::shared_ptr<const inference::ModelConfig> config, Backend* backend,
                          const InferenceServices* services, OwnedVersion* out) {
  ModelSpec spec;
  spec.model_name = config->name();
  spec.version = version;
  spec.model_dir = model_dir;
  spec.version_dir = model_dir + "/" + std::to_string(version);
  spec.model_path = spec.version_dir + "/" + config->default_model_filename();
  spec.config = config.get();
  std::unique_ptr<ModelVersion> loaded;
  if (!backend) {
    INFERD_RETURN_IF_ERROR(ModelVersion::CreateEnsemble(spec, config, services, &loaded));
  } else if (!fs::exists(spec.model_path)) {
    return Status::InvalidArg("model file '" + spec.model_path + "' does not exist");
  } else {
    INFERD_RETURN_IF_ERROR(ModelVersion::Create(spec, config, backend, &loaded));
  }
  *out = OwnedVersion(std::move(loaded));
  return Status::Ok();
}

}  // namespace inferd
