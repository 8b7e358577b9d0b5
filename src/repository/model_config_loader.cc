#include "repository/model_config_loader.h"

#include <filesystem>

#include "config/config_defaults.h"
#include "config/config_reader.h"
#include "config/config_validator.h"
#include "config/platform_resolver.h"
#include "repository/repository_scan.h"
#include "repository/version_policy.h"

namespace inferd {
namespace fs = std::filesystem;
namespace {

// Prefixes a failure with the file it concerns.
Status InFile(const std::string& path, Status status) {
  if (status.ok()) return status;
  return Status(status.code(), path + ": " + status.message());
}

Status AutoComplete(const std::string& model_dir, BackendRegistry* backends, inference::ModelConfig* config) {
  Backend* backend = nullptr;
  INFERD_RETURN_IF_ERROR(backends->Get(config->backend(), &backend));
  // Complete from the newest version the policy would serve.
  inference::ModelVersionPolicy policy = config->version_policy();
  if (!config->has_version_policy()) policy.mutable_latest()->set_num_versions(1);
  std::vector<int64_t> versions = SelectVersions(policy, ListVersionFolders(model_dir, nullptr), nullptr);
  if (versions.empty()) return Status::Ok();  // the load reports the missing versions
  ModelSpec spec;
  spec.model_name = config->name();
  spec.version = versions.back();
  spec.model_dir = model_dir;
  spec.version_dir = model_dir + "/" + std::to_string(spec.version);
  spec.model_path = spec.version_dir + "/" + config->default_model_filename();
  return backend->AutoCompleteConfig(spec, config);
}

}  // namespace

Status LoadModelConfig(const std::string& model_dir, const ConfigLoadOptions& options,
                       BackendRegistry* backends, inference::ModelConfig* config,
                       const inference::ModelConfig* given) {
  // Messages name the file a failure comes from, or the load parameter.
  const std::string path =
      given ? std::string("the 'config' load parameter") : ModelConfigPath(model_dir, options.config_name);
  const std::string dir_name = fs::path(model_dir).filename().string();
  if (given) {
    *config = *given;
  } else if (fs::exists(path)) {
    INFERD_RETURN_IF_ERROR(ReadModelConfigFile(path, config));
  } else if (!options.auto_complete) {
    return Status::InvalidArg("model configuration '" + path +
                              "' is missing; it is required when auto-complete is disabled "
                              "(--disable-auto-complete-config or --strict-model-config=true)");
  }
  if (config->name().empty()) {
    config->set_name(dir_name);
  } else if (given && config->name() != dir_name) {
    return InFile(path, Status::InvalidArg("'name' is '" + config->name() + "' but the model to load is '" +
                                           dir_name + "'; they must be equal"));
  } else if (config->name() != dir_name) {
    return InFile(path, Status::InvalidArg("'name' is '" + config->name() + "' but the model folder is '" +
                                           dir_name + "'; they must be equal"));
  }
  INFERD_RETURN_IF_ERROR(InFile(path, ResolvePlatformAndBackend(model_dir, config)));
  INFERD_RETURN_IF_ERROR(InFile(path, ValidateDeclaredDims(*config)));
  if (options.auto_complete && config->platform() != "ensemble") {
    INFERD_RETURN_IF_ERROR(AutoComplete(model_dir, backends, config));
  }
  ApplyConfigDefaults(config);
  INFERD_RETURN_IF_ERROR(InFile(path, ValidateModelConfig(*config)));
  for (const auto& output : config->output()) {
    if (!output.label_filename().empty() && !fs::is_regular_file(model_dir + "/" + output.label_filename())) {
      return InFile(path, Status::InvalidArg("label_filename '" + output.label_filename() + "' of output '" +
                                             output.name() + "' does not exist in '" + model_dir + "'"));
    }
  }
  return Status::Ok();
}

}  // namespace inferd
