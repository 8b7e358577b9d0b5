#include "repository/model_manager.h"

#include <atomic>
#include <filesystem>
#include <thread>

#include "core/logging.h"
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

ModelManager::ModelManager(ModelManagerOptions options, BackendRegistry* backends)
    : options_(std::move(options)), backends_(backends) {}

ModelManager::~ModelManager() { UnloadAll(); }

void ModelManager::LoadModel(const std::string& model_dir, ModelEntry* entry) {
  const std::string& name = entry->status.name;
  auto config = std::make_shared<inference::ModelConfig>();
  Status status = LoadModelConfig(model_dir, options_.config, backends_, config.get());
  Backend* backend = nullptr;
  if (status.ok() && config->platform() == "ensemble") {
    status = Status::Unsupported("ensemble models are not supported yet");
  }
  if (status.ok()) status = backends_->Get(config->backend(), &backend);
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
    Status load = fs::exists(spec.model_path)
                      ? ModelVersion::Create(spec, shared_config, backend, &loaded)
                      : Status::InvalidArg("model file '" + spec.model_path + "' does not exist");
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
  std::vector<std::pair<std::string, ModelEntry*>> to_load;
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
      to_load.emplace_back(paths[0], &entry);
    }
  }
  // Entries stay put in the map while loading; only this function adds them.
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next++) < to_load.size();) {
      ModelEntry loaded;
      loaded.status.name = to_load[i].second->status.name;
      LoadModel(to_load[i].first, &loaded);
      std::lock_guard<std::mutex> lock(mutex_);
      *to_load[i].second = std::move(loaded);
    }
  };
  std::vector<std::thread> workers;
  size_t thread_count = std::max<size_t>(1, std::min<size_t>(options_.load_threads, to_load.size()));
  for (size_t t = 0; t < thread_count; ++t) workers.emplace_back(worker);
  for (auto& t : workers) t.join();

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
