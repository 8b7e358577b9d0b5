#include "repository/model_manager.h"

#include <atomic>
#include <filesystem>
#include <thread>

#include "config/config_reader.h"
#include "core/logging.h"
#include "repository/ensemble_step_checks.h"
#include "repository/version_policy.h"

namespace inferd {
namespace fs = std::filesystem;

const char* ModelStateName(ModelState state) {
  switch (state) {
    case ModelState::kUnknown: return "UNKNOWN";
    case ModelState::kReady: return "READY";
    case ModelState::kUnavailable: return "UNAVAILABLE";
    case ModelState::kLoading: return "LOADING";
    case ModelState::kUnloading: return "UNLOADING";
  }
  return "UNKNOWN";
}

std::vector<IndexRow> IndexRows(const std::vector<ModelStatus>& models, bool ready_only) {
  std::vector<IndexRow> rows;
  auto add = [&](const std::string& name, std::string version, ModelState state, const std::string& reason) {
    if (!ready_only || state == ModelState::kReady) rows.push_back({name, std::move(version), state, reason});
  };
  for (const auto& model : models) {
    if (model.versions.empty()) add(model.name, "", model.state, model.reason);
    for (const auto& version : model.versions) {
      add(model.name, std::to_string(version.version), version.state, version.reason);
    }
  }
  return rows;
}

ModelManager::ModelManager(ModelManagerOptions options, BackendRegistry* backends)
    : options_(std::move(options)), backends_(backends) {}

ModelManager::~ModelManager() { UnloadAll(); }

namespace {

// The step models of an ensemble folder, read from its config.pbtxt; false
// when the folder is not an ensemble (or its config does not parse, which
// its load then reports).
bool ReadEnsembleSteps(const std::string& model_dir, std::vector<std::string>* steps) {
  inference::ModelConfig config;
  if (!fs::exists(model_dir + "/config.pbtxt") || !ReadModelConfigFile(model_dir + "/config.pbtxt", &config).ok()) {
    return false;
  }
  if (config.platform() != "ensemble" && config.backend() != "ensemble") return false;
  for (const auto& step : config.ensemble_scheduling().step()) steps->push_back(step.model_name());
  return true;
}

}  // namespace

Status ModelManager::CheckSteps(const inference::ModelConfig& ensemble) const {
  std::vector<std::shared_ptr<ModelVersion>> held;  // keeps the step configs alive during the check
  return CheckEnsembleSteps(ensemble, [&](const std::string& model, int64_t version,
                                          const inference::ModelConfig** config) {
    std::shared_ptr<ModelVersion> step;
    Status status = Get(model, version, &step);
    if (!status.ok()) return Status(status.code(), "step model is not available: " + status.message());
    *config = &step->config();
    held.push_back(std::move(step));
    return Status::Ok();
  });
}

void ModelManager::LoadModel(const std::string& model_dir, ModelEntry* entry) {
  const std::string& name = entry->status.name;
  auto config = std::make_shared<inference::ModelConfig>();
  Status status = LoadModelConfig(model_dir, options_.config, backends_, config.get());
  bool ensemble = status.ok() && config->platform() == "ensemble";
  Backend* backend = nullptr;
  if (ensemble) {
    status = CheckSteps(*config);
    // Shown in /config as Triton does: an ensemble of ordinary models is not decoupled.
    config->mutable_model_transaction_policy()->set_decoupled(false);
    if (status.ok() && !options_.services) {
      status = Status::Internal("ensembles cannot run: the model manager has no inference entry point");
    }
  } else if (status.ok()) {
    status = backends_->Get(config->backend(), &backend);
  }
  if (!status.ok()) {
    entry->status.state = ModelState::kUnavailable;
    entry->status.reason = status.message();
    LOG_ERROR << "failed to load '" << name << "': " << status.message();
    return;
  }
  std::vector<std::string> ignored;
  std::vector<int64_t> missing;
  std::vector<int64_t> versions =
      SelectVersions(config->version_policy(), ListVersionFolders(model_dir, &ignored), &missing);
  for (const auto& folder : ignored) {
    LOG_WARNING << "ignoring folder '" << folder << "' of model '" << name
                << "': version folders must be named with a number without leading zeros";
  }
  for (int64_t version : missing) {
    LOG_WARNING << "version " << version << " of model '" << name
                << "' is listed in version_policy but has no folder";
  }
  if (versions.empty()) {
    entry->status.state = ModelState::kUnavailable;
    entry->status.reason = "no version folder of '" + model_dir + "' is selected by the version policy";
    LOG_ERROR << "failed to load '" << name << "': " << entry->status.reason;
    return;
  }
  std::shared_ptr<const inference::ModelConfig> shared_config = config;
  for (int64_t version : versions) {
    VersionEntry& version_entry = entry->versions[version];
    version_entry.status.version = version;
    ModelSpec spec;
    spec.model_name = name;
    spec.version = version;
    spec.model_dir = model_dir;
    spec.version_dir = model_dir + "/" + std::to_string(version);
    spec.model_path = spec.version_dir + "/" + config->default_model_filename();
    spec.config = shared_config.get();
    std::unique_ptr<ModelVersion> loaded;
    Status load;
    if (ensemble) {
      load = ModelVersion::CreateEnsemble(spec, shared_config, options_.services, &loaded);
    } else if (!fs::exists(spec.model_path)) {
      load = Status::InvalidArg("model file '" + spec.model_path + "' does not exist");
    } else {
      load = ModelVersion::Create(spec, shared_config, backend, &loaded);
    }
    if (load.ok()) {
      version_entry.status.state = ModelState::kReady;
      version_entry.model = std::move(loaded);
      LOG_INFO << "successfully loaded '" << name << "' version " << version;
    } else {
      version_entry.status.state = ModelState::kUnavailable;
      version_entry.status.reason = load.message();
      LOG_ERROR << "failed to load '" << name << "' version " << version << ": " << load.message();
    }
  }
  entry->status.state = ModelState::kReady;
  for (const auto& [version, v] : entry->versions) {
    if (v.status.state != ModelState::kReady) entry->status.state = ModelState::kUnavailable;
  }
}

void ModelManager::LoadInParallel(const std::vector<std::pair<std::string, ModelEntry*>>& models) {
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next++) < models.size();) {
      ModelEntry loaded;
      loaded.status.name = models[i].second->status.name;
      LoadModel(models[i].first, &loaded);
      std::lock_guard<std::mutex> lock(mutex_);
      *models[i].second = std::move(loaded);
    }
  };
  std::vector<std::thread> workers;
  size_t thread_count = std::max<size_t>(1, std::min<size_t>(options_.load_threads, models.size()));
  for (size_t t = 0; t < thread_count; ++t) workers.emplace_back(worker);
  for (auto& t : workers) t.join();
}

Status ModelManager::LoadAll() {
  // Model folders by name; a name found in two repositories cannot be served.
  std::map<std::string, std::vector<std::string>> folders;
  for (const auto& repository : options_.repositories) {
    std::error_code ec;
    for (const auto& item : fs::directory_iterator(repository, ec)) {
      if (item.is_directory(ec)) folders[item.path().filename().string()].push_back(item.path().string());
    }
    if (ec) return Status::InvalidArg("unable to read model repository '" + repository + "': " + ec.message());
  }
  std::vector<std::pair<std::string, ModelEntry*>> plain;
  std::map<std::string, std::pair<std::string, std::vector<std::string>>> ensembles;  // name -> (dir, steps)
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [name, paths] : folders) {
      ModelEntry& entry = models_[name];
      entry.status.name = name;
      if (paths.size() > 1) {
        entry.status.state = ModelState::kUnavailable;
        entry.status.reason = "model '" + name + "' appears in more than one model repository: '" + paths[0] +
                              "' and '" + paths[1] + "'";
        LOG_ERROR << entry.status.reason;
        continue;
      }
      entry.status.state = ModelState::kLoading;
      std::vector<std::string> steps;
      if (ReadEnsembleSteps(paths[0], &steps)) {
        ensembles[name] = {paths[0], steps};
      } else {
        plain.emplace_back(paths[0], &entry);
      }
    }
  }
  // Entries stay put in the map while loading; only this function adds them.
  LoadInParallel(plain);
  // Ensembles after the models they use, inner ensembles first.
  while (!ensembles.empty()) {
    std::vector<std::pair<std::string, ModelEntry*>> ready;
    for (const auto& [name, dir_and_steps] : ensembles) {
      bool waits = false;
      for (const auto& step : dir_and_steps.second) waits = waits || (step != name && ensembles.count(step));
      if (!waits) ready.emplace_back(dir_and_steps.first, &models_[name]);
    }
    if (ready.empty()) {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& [name, dir_and_steps] : ensembles) {
        ModelEntry& entry = models_[name];
        entry.status.state = ModelState::kUnavailable;
        entry.status.reason = "ensemble '" + name + "' is part of a cycle of ensembles that use each other";
        LOG_ERROR << "failed to load '" << name << "': " << entry.status.reason;
      }
      break;
    }
    LoadInParallel(ready);
    for (const auto& [dir, entry] : ready) ensembles.erase(entry->status.name);
  }

  std::string failed;
  for (const auto& model : Index()) {
    if (model.state != ModelState::kReady) failed += (failed.empty() ? "'" : ", '") + model.name + "'";
  }
  if (!failed.empty()) return Status::InvalidArg("failed to load " + failed);
  return Status::Ok();
}

Status ModelManager::Get(const std::string& name, int64_t version, std::shared_ptr<ModelVersion>* out) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = models_.find(name);
  if (it == models_.end()) return Status::NotFound("Request for unknown model: '" + name + "' is not found");
  const auto& versions = it->second.versions;
  if (version < 0) {
    for (auto v = versions.rbegin(); v != versions.rend(); ++v) {
      if (v->second.model) {
        *out = v->second.model;
        return Status::Ok();
      }
    }
    return Status::NotFound("Request for unknown model: '" + name + "' has no available versions");
  }
  auto v = versions.find(version);
  if (v == versions.end()) {
    return Status::NotFound("Request for unknown model: '" + name + "' version " + std::to_string(version) +
                            " is not found");
  }
  if (!v->second.model) {
    return Status::Unavailable("Request for unknown model: '" + name + "' version " + std::to_string(version) +
                               " is not at ready state");
  }
  *out = v->second.model;
  return Status::Ok();
}

std::vector<ModelStatus> ModelManager::Index() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<ModelStatus> index;
  for (const auto& [name, entry] : models_) {
    ModelStatus status = entry.status;
    status.versions.clear();
    for (const auto& [version, v] : entry.versions) status.versions.push_back(v.status);
    index.push_back(std::move(status));
  }
  return index;
}

bool ModelManager::AllReady() const {
  for (const auto& model : Index()) {
    if (model.state != ModelState::kReady) return false;
  }
  return true;
}

void ModelManager::UnloadAll() {
  std::map<std::string, ModelEntry> models;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    models.swap(models_);
  }
  // Dropping the last reference to a ModelVersion drains its queue.
  models.clear();
}

}  // namespace inferd
