#include "repository/model_manager.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include <google/protobuf/util/message_differencer.h>

#include "config/config_json.h"
#include "core/logging.h"
#include "repository/ensemble_step_checks.h"
#include "repository/repository_scan.h"
#include "repository/version_loader.h"

namespace inferd {

namespace {

bool IsEnsemble(const inference::ModelConfig& config) {
  return config.platform() == "ensemble" || config.backend() == "ensemble";
}

std::vector<std::string> StepsOf(const inference::ModelConfig& config) {
  std::vector<std::string> steps;
  for (const auto& step : config.ensemble_scheduling().step()) steps.push_back(step.model_name());
  return steps;
}

// A model name as a folder name: load requests must not reach outside the
// repositories.
Status CheckModelName(const std::string& name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      name.find('\0') != std::string::npos) {
    return Status::InvalidArg("failed to load '" + name + "': a model name is the name of its folder, without '/'");
  }
  return Status::Ok();
}

// The snapshot recorded for a model whose name has several folders: the
// folders themselves, so that removing one of them counts as a change.
FolderSnapshot SnapshotOf(const std::vector<std::string>& paths) {
  if (paths.size() == 1) return TakeSnapshot(paths[0]);
  FolderSnapshot snapshot;
  for (const auto& path : paths) snapshot[path] = FileStamp{-1, 0};
  return snapshot;
}

std::string TwoRepositoriesReason(const std::string& name, const std::vector<std::string>& paths) {
  return "model '" + name + "' appears in more than one model repository: '" + paths[0] + "' and '" + paths[1] +
         "'";
}

void ComputeModelState(ModelStatus* status, const std::map<int64_t, ModelState>& states) {
  status->state = ModelState::kReady;
  for (const auto& [version, state] : states) {
    if (state != ModelState::kReady) status->state = ModelState::kUnavailable;
  }
}

}  // namespace

ModelManager::ModelManager(ModelManagerOptions options, BackendRegistry* backends)
    : options_(std::move(options)), backends_(backends) {}

ModelManager::~ModelManager() { UnloadAll(); }

std::shared_ptr<std::mutex> ModelManager::ModelLock(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& model_lock = model_locks_[name];
  if (!model_lock) model_lock = std::make_shared<std::mutex>();
  return model_lock;
}

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

Status ModelManager::ReadConfig(const Source& source, inference::ModelConfig* config,
                                Backend** backend, std::vector<std::string>* steps) const {
  INFERD_RETURN_IF_ERROR(LoadModelConfig(source.dir, options_.config, backends_, config, source.config.get()));
  if (!IsEnsemble(*config)) return backends_->Get(config->backend(), backend);
  *steps = StepsOf(*config);
  // Shown in /config as Triton does: an ensemble of ordinary models is not decoupled.
  config->mutable_model_transaction_policy()->set_decoupled(false);
  INFERD_RETURN_IF_ERROR(CheckSteps(*config));
  if (!options_.services) {
    return Status::Internal("ensembles cannot run: the model manager has no inference entry point");
  }
  return Status::Ok();
}

Status ModelManager::RecordFailure(const std::string& name, const Source& source, FolderSnapshot snapshot,
                                   std::vector<std::string> steps, const std::string& reason) {
  std::string message = "failed to load '" + name + "': " + reason;
  LOG_ERROR << message;
  std::lock_guard<std::mutex> lock(mutex_);
  ModelEntry& entry = models_[name];
  entry.status.name = name;
  entry.snapshot = std::move(snapshot);
  entry.unloaded = false;
  if (!steps.empty()) entry.steps = std::move(steps);
  bool serving = false;
  for (auto& [version, v] : entry.versions) {
    if (!v.model) continue;
    serving = true;
    v.status.reason = "a later load failed; this version still serves: " + reason;
  }
  if (!serving) {
    // Only versions without a loaded model are left; dropping them cannot block.
    entry.versions.clear();
    entry.status.state = ModelState::kUnavailable;
    entry.status.reason = reason;
    entry.source = source;
  }
  return Status::InvalidArg(message);
}

Status ModelManager::LoadLocked(const std::string& name, const Source& source, bool force) {
  std::shared_ptr<std::mutex> model_lock = ModelLock(name);
  std::lock_guard<std::mutex> lock(*model_lock);
  return LoadOne(name, source, force);
}

Status ModelManager::LoadOne(const std::string& name, const Source& source, bool force) {
  FolderSnapshot snapshot = TakeSnapshot(source.dir);
  std::set<int64_t> serving;
  bool same_source = false;
  std::shared_ptr<const inference::ModelConfig> old_config;
  FolderSnapshot old_snapshot;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return Status::Unavailable("failed to load '" + name + "': the server is shutting down");
    ModelEntry& entry = models_[name];
    entry.status.name = name;
    for (const auto& [version, v] : entry.versions) {
      if (v.model) serving.insert(version);
    }
    if (serving.empty()) {
      entry.status.state = ModelState::kLoading;
      entry.status.reason.clear();
      for (auto& [version, v] : entry.versions) v.status = {version, ModelState::kLoading, ""};
    }
    same_source = !force && entry.source.dir == source.dir && !entry.source.config && !entry.source.files &&
                  !source.config && !source.files;
    old_config = entry.config;
    old_snapshot = entry.snapshot;
  }

  auto config = std::make_shared<inference::ModelConfig>();
  Backend* backend = nullptr;
  std::vector<std::string> steps;
  Status status = ReadConfig(source, config.get(), &backend, &steps);
  std::vector<int64_t> selected;
  if (status.ok()) status = SelectModelVersions(source.dir, *config, &selected);
  if (!status.ok()) return RecordFailure(name, source, std::move(snapshot), std::move(steps), status.message());

  // Versions whose folder, config and label files are as they were keep serving as they are.
  FolderChanges changes = CompareSnapshots(old_snapshot, snapshot);
  bool keep_unchanged = same_source && old_config && !changes.outside_versions &&
                        google::protobuf::util::MessageDifferencer::Equals(*old_config, *config);
  std::shared_ptr<const inference::ModelConfig> shared_config = config;
  std::map<int64_t, VersionEntry> loaded;
  std::map<int64_t, std::string> failures;
  std::set<int64_t> kept;
  for (int64_t version : selected) {
    if (keep_unchanged && serving.count(version) && !changes.versions.count(version)) {
      kept.insert(version);
      continue;
    }
    VersionEntry& entry = loaded[version];
    Status created = CreateModelVersion(source.dir, version, shared_config, backend, options_.services, &entry.model);
    if (created.ok()) {
      LOG_INFO << "successfully loaded '" << name << "' version " << version;
    } else {
      failures[version] = created.message();
      loaded.erase(version);
      LOG_ERROR << "failed to load '" << name << "' version " << version << ": " << created.message();
    }
  }

  std::vector<VersionEntry> retired;  // released after the lock: they wait for their requests
  bool closed = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed = closed_;
    if (closed) {
      for (auto& [version, entry] : loaded) {
        entry.status = {version, ModelState::kReady, ""};
        retired.push_back(std::move(entry));
      }
    } else {
      ModelEntry& entry = models_[name];
      retired = SwapInVersions(selected, kept, failures, source.files, &loaded, &entry);
      entry.source = source;
      entry.config = shared_config;
      entry.snapshot = std::move(snapshot);
      entry.steps = std::move(steps);
      entry.unloaded = false;
    }
  }
  if (!retired.empty()) {
    // The replaced versions finish their requests in the background: the load
    // is done once the new ones serve, and a request that waits for this load
    // (a Python model loading a model) cannot hold it up.
    auto versions = std::make_shared<std::vector<VersionEntry>>(std::move(retired));
    retiring_.Run([name, versions] {
      for (auto& version : *versions) {
        int64_t number = version.status.version;
        version.model.Retire();
        LOG_VERBOSE(1) << "released the replaced '" << name << "' version " << number;
      }
    });
  }
  if (failures.empty()) {
    return closed ? Status::Unavailable("failed to load '" + name + "': the server is shutting down") : Status::Ok();
  }
  std::string message = "failed to load '" + name + "'";
  const char* separator = " version ";
  for (const auto& [version, reason] : failures) {
    message += separator + std::to_string(version) + ": " + reason;
    separator = "; version ";
  }
  return Status::InvalidArg(message);
}

std::vector<ModelManager::VersionEntry> ModelManager::SwapInVersions(
    const std::vector<int64_t>& selected, const std::set<int64_t>& kept,
    const std::map<int64_t, std::string>& failures, const std::shared_ptr<OverrideFolder>& files,
    std::map<int64_t, VersionEntry>* loaded, ModelEntry* entry) {
  std::vector<VersionEntry> replaced;
  std::map<int64_t, VersionEntry> next;
  std::map<int64_t, ModelState> states;
  for (int64_t version : selected) {
    VersionEntry& slot = next[version];
    auto old = entry->versions.find(version);
    bool old_serves = old != entry->versions.end() && old->second.model;
    auto failure = failures.find(version);
    std::string reason = failure != failures.end() ? failure->second : "no longer loaded";
    if (loaded->count(version)) {
      slot = std::move(loaded->at(version));
      slot.files = files;
      slot.status = {version, ModelState::kReady, ""};
      if (old_serves) replaced.push_back(std::move(old->second));
    } else if (kept.count(version) && old_serves) {
      slot = std::move(old->second);
      slot.status.reason.clear();
    } else if (old_serves) {
      slot = std::move(old->second);
      slot.status.reason = "a later load failed; this version still serves: " + reason;
    } else {
      slot.status = {version, ModelState::kUnavailable, reason};
    }
    states[version] = slot.status.state;
  }
  // Versions the policy no longer selects go only when the whole load worked.
  for (auto& [version, old] : entry->versions) {
    if (next.count(version) || !old.model) continue;
    if (failures.empty()) {
      replaced.push_back(std::move(old));
    } else {
      next[version] = std::move(old);
      states[version] = ModelState::kReady;
    }
  }
  // What is left in the old map has no model: dropping it cannot block.
  entry->versions.swap(next);
  entry->status.reason.clear();
  ComputeModelState(&entry->status, states);
  return replaced;
}

Status ModelManager::ResolveSource(const std::string& name, const ModelLoadOverrides& overrides,
                                   Source* source) const {
  auto failed = [&](const Status& status) {
    return Status(status.code(), "failed to load '" + name + "': " + status.message());
  };
  if (!overrides.files.empty()) {
    if (overrides.config.empty()) {
      return Status::InvalidArg("failed to load '" + name +
                                "': the 'config' load parameter is required when 'file:' parameters are given");
    }
    Status written = OverrideFolder::Create(name, overrides.files, &source->files);
    if (!written.ok()) return failed(written);
    source->dir = source->files->model_dir();
  } else {
    std::map<std::string, std::vector<std::string>> folders;
    Status scanned = ScanRepositories(options_.repositories, &folders);
    if (!scanned.ok()) return failed(scanned);
    auto found = folders.find(name);
    if (found == folders.end()) {
      return Status::InvalidArg("failed to load '" + name + "': no model folder named '" + name +
                                "' in the model repositories");
    }
    if (found->second.size() > 1) return Status::InvalidArg("failed to load '" + name + "': " +
                                                            TwoRepositoriesReason(name, found->second));
    source->dir = found->second[0];
  }
  if (!overrides.config.empty()) {
    auto config = std::make_shared<inference::ModelConfig>();
    Status parsed = ParseModelConfigJson(overrides.config, config.get());
    if (!parsed.ok()) return failed(parsed);
    source->config = std::move(config);
  }
  return Status::Ok();
}

Status ModelManager::LoadTree(const std::string& name, const ModelLoadOverrides& overrides,
                              std::vector<std::string>* stack, std::set<std::string>* loaded) {
  if (std::find(stack->begin(), stack->end(), name) != stack->end()) {
    return Status::InvalidArg("failed to load '" + name + "': ensembles that use each other form a cycle");
  }
  Source source;
  INFERD_RETURN_IF_ERROR(ResolveSource(name, overrides, &source));
  std::vector<std::string> steps;
  if (source.config) {
    if (IsEnsemble(*source.config)) steps = StepsOf(*source.config);
  } else {
    ReadEnsembleSteps(source.dir, options_.config.config_name, &steps);
  }
  // The steps an ensemble needs load first; a step that fails is reported
  // by the ensemble's own check of its steps.
  stack->push_back(name);
  for (const auto& step : steps) {
    std::shared_ptr<ModelVersion> ready;
    if (step != name && !Get(step, -1, &ready).ok()) (void)LoadTree(step, {}, stack, loaded);
  }
  stack->pop_back();
  loaded->insert(name);
  return LoadLocked(name, source, !overrides.empty());
}

Status ModelManager::Load(const std::string& name, const ModelLoadOverrides& overrides) {
  INFERD_RETURN_IF_ERROR(CheckModelName(name));
  std::vector<std::string> stack;
  std::set<std::string> loaded;
  Status status = LoadTree(name, overrides, &stack, &loaded);
  RefreshDependents(loaded);
  return status;
}

void ModelManager::LoadBatch(const std::map<std::string, std::vector<std::string>>& folders,
                             std::vector<std::string>* failed) {
  std::mutex failed_mutex;
  auto load_all = [&](const std::vector<std::pair<std::string, std::string>>& models) {
    std::atomic<size_t> next{0};
    auto worker = [&] {
      for (size_t i; (i = next++) < models.size();) {
        Source source;
        source.dir = models[i].second;
        if (!LoadLocked(models[i].first, source, false).ok()) {
          std::lock_guard<std::mutex> lock(failed_mutex);
          failed->push_back(models[i].first);
        }
      }
    };
    std::vector<std::thread> workers;
    size_t thread_count = std::max<size_t>(1, std::min<size_t>(options_.load_threads, models.size()));
    for (size_t t = 0; t < thread_count; ++t) workers.emplace_back(worker);
    for (auto& t : workers) t.join();
  };

  std::vector<std::pair<std::string, std::string>> plain;
  std::map<std::string, std::pair<std::string, std::vector<std::string>>> ensembles;  // name -> (dir, steps)
  for (const auto& [name, paths] : folders) {
    if (paths.size() > 1) {
      (void)RecordFailure(name, Source{}, SnapshotOf(paths), {}, TwoRepositoriesReason(name, paths));
      failed->push_back(name);
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ModelEntry& entry = models_[name];
      entry.status.name = name;
      if (entry.versions.empty()) entry.status.state = ModelState::kLoading;
    }
    std::vector<std::string> steps;
    if (ReadEnsembleSteps(paths[0], options_.config.config_name, &steps)) {
      ensembles[name] = {paths[0], steps};
    } else {
      plain.emplace_back(name, paths[0]);
    }
  }
  load_all(plain);
  // Ensembles after the models they use, inner ensembles first.
  while (!ensembles.empty()) {
    std::vector<std::pair<std::string, std::string>> ready;
    for (const auto& [name, dir_and_steps] : ensembles) {
      bool waits = false;
      for (const auto& step : dir_and_steps.second) waits = waits || (step != name && ensembles.count(step));
      if (!waits) ready.emplace_back(name, dir_and_steps.first);
    }
    if (ready.empty()) {
      for (const auto& [name, dir_and_steps] : ensembles) {
        Source source;
        source.dir = dir_and_steps.first;
        (void)RecordFailure(name, source, TakeSnapshot(source.dir), dir_and_steps.second,
                            "ensemble '" + name + "' is part of a cycle of ensembles that use each other");
        failed->push_back(name);
      }
      break;
    }
    load_all(ready);
    for (const auto& [name, dir] : ready) ensembles.erase(name);
  }
}

Status ModelManager::LoadAll() {
  std::map<std::string, std::vector<std::string>> folders;
  INFERD_RETURN_IF_ERROR(ScanRepositories(options_.repositories, &folders));
  std::vector<std::string> failed;
  LoadBatch(folders, &failed);
  if (failed.empty()) return Status::Ok();
  std::sort(failed.begin(), failed.end());
  std::string names;
  for (const auto& name : failed) names += (names.empty() ? "'" : ", '") + name + "'";
  return Status::InvalidArg("failed to load " + names);
}

Status ModelManager::LoadModels(const std::vector<std::string>& names) {
  if (names.size() == 1 && names[0] == "*") return LoadAll();
  std::map<std::string, std::vector<std::string>> folders, selected;
  INFERD_RETURN_IF_ERROR(ScanRepositories(options_.repositories, &folders));
  std::vector<std::string> failed;
  std::vector<std::string> queue = names;
  while (!queue.empty()) {
    std::string name = queue.back();
    queue.pop_back();
    if (selected.count(name) || std::find(failed.begin(), failed.end(), name) != failed.end()) continue;
    auto found = folders.find(name);
    if (found == folders.end()) {
      LOG_ERROR << "failed to load '" << name << "': no model folder named '" << name
                << "' in the model repositories";
      failed.push_back(name);
      continue;
    }
    selected[name] = found->second;
    std::vector<std::string> steps;
    if (found->second.size() == 1 && ReadEnsembleSteps(found->second[0], options_.config.config_name, &steps)) {
      queue.insert(queue.end(), steps.begin(), steps.end());
    }
  }
  LoadBatch(selected, &failed);
  if (failed.empty()) return Status::Ok();
  std::sort(failed.begin(), failed.end());
  std::string text;
  for (const auto& name : failed) text += (text.empty() ? "'" : ", '") + name + "'";
  return Status::InvalidArg("failed to load " + text);
}

std::vector<std::string> ModelManager::LoadedDependents(const std::string& name) const {
  std::vector<std::string> dependents;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [ensemble, entry] : models_) {
    if (ensemble == name || std::find(entry.steps.begin(), entry.steps.end(), name) == entry.steps.end()) continue;
    bool loaded = false;
    for (const auto& [version, v] : entry.versions) loaded = loaded || static_cast<bool>(v.model);
    if (loaded) dependents.push_back(ensemble);
  }
  return dependents;
}

void ModelManager::RefreshDependents(const std::set<std::string>& loaded) {
  std::set<std::string> done = loaded;
  std::vector<std::string> pending(loaded.begin(), loaded.end());
  while (!pending.empty()) {
    std::string step = pending.back();
    pending.pop_back();
    std::vector<std::pair<std::string, Source>> waiting;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& [name, entry] : models_) {
        bool uses = std::find(entry.steps.begin(), entry.steps.end(), step) != entry.steps.end();
        if (uses && !done.count(name) && !entry.unloaded && !entry.source.dir.empty() &&
            entry.status.state != ModelState::kReady) {
          waiting.emplace_back(name, entry.source);
        }
      }
    }
    for (const auto& [name, source] : waiting) {
      LOG_VERBOSE(1) << "loading ensemble '" << name << "' again: its step model '" << step << "' was loaded";
      (void)LoadLocked(name, source, false);
      done.insert(name);
      pending.push_back(name);
    }
  }
}

void ModelManager::DropVersions(const std::string& name, ModelState state, const std::string& reason,
                                bool unloaded) {
  std::vector<VersionEntry> dropped;
  Source source;  // an unloaded model's request files go with it
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = models_.find(name);
    if (found == models_.end()) return;
    ModelEntry& entry = found->second;
    if (unloaded) std::swap(source, entry.source);
    for (auto& [version, v] : entry.versions) {
      if (!v.model) continue;
      v.status.state = ModelState::kUnloading;
      v.status.reason.clear();
      dropped.push_back(std::move(v));
      v = VersionEntry{};
      v.status = {version, ModelState::kUnloading, ""};
    }
    entry.unloaded = unloaded;
  }
  for (auto& version : dropped) {
    int64_t number = version.status.version;
    version.model.Retire();
    if (unloaded) LOG_INFO << "successfully unloaded '" << name << "' version " << number;
  }
  dropped.clear();
  source = Source{};
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = models_.find(name);
  if (found == models_.end()) return;
  ModelEntry& entry = found->second;
  for (auto& [version, v] : entry.versions) {
    if (v.model) continue;  // loaded again meanwhile
    v.status.state = state;
    v.status.reason = reason;
  }
  bool ready = !entry.versions.empty();
  for (const auto& [version, v] : entry.versions) ready = ready && v.status.state == ModelState::kReady;
  entry.status.state = ready ? ModelState::kReady : state;
  entry.status.reason = ready ? "" : reason;
}

void ModelManager::DisableDependents(const std::string& step, std::set<std::string>* visited) {
  for (const auto& ensemble : LoadedDependents(step)) {
    if (!visited->insert(ensemble).second) continue;
    std::shared_ptr<std::mutex> model_lock = ModelLock(ensemble);
    {
      std::lock_guard<std::mutex> lock(*model_lock);
      LOG_INFO << "ensemble '" << ensemble << "' is not available: its step model '" << step << "' is not";
      DropVersions(ensemble, ModelState::kUnavailable, "step model '" + step + "' is not available", false);
    }
    DisableDependents(ensemble, visited);
  }
}

Status ModelManager::UnloadTree(const std::string& name, bool unload_dependents, std::set<std::string>* visited) {
  visited->insert(name);
  // Ensembles go first, so their requests in flight still find this model.
  if (unload_dependents) {
    for (const auto& ensemble : LoadedDependents(name)) {
      if (!visited->count(ensemble)) INFERD_RETURN_IF_ERROR(UnloadTree(ensemble, true, visited));
    }
  } else {
    DisableDependents(name, visited);
  }
  std::shared_ptr<std::mutex> model_lock = ModelLock(name);
  std::lock_guard<std::mutex> lock(*model_lock);
  {
    std::lock_guard<std::mutex> state_lock(mutex_);
    if (!models_.count(name)) return Status::Ok();
  }
  DropVersions(name, ModelState::kUnavailable, "unloaded", true);
  return Status::Ok();
}

Status ModelManager::Unload(const std::string& name, bool unload_dependents) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return Status::Unavailable("failed to unload '" + name + "': the server is shutting down");
  }
  std::set<std::string> visited;
  return UnloadTree(name, unload_dependents, &visited);
}

void ModelManager::Poll() {
  std::map<std::string, std::vector<std::string>> folders;
  Status scanned = ScanRepositories(options_.repositories, &folders);
  if (!scanned.ok()) {
    LOG_ERROR << "repository poll failed: " << scanned.message();
    return;
  }
  std::vector<std::string> removed;
  std::map<std::string, FolderSnapshot> known;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return;
    for (const auto& [name, entry] : models_) {
      if (entry.source.files) continue;  // loaded from a request's files, not from a repository
      if (!folders.count(name)) {
        removed.push_back(name);
      } else {
        known[name] = entry.snapshot;
      }
    }
  }
  for (const auto& name : removed) {
    LOG_INFO << "model folder of '" << name << "' was removed; unloading it";
    (void)Unload(name, false);
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = models_.find(name);
    bool loaded = false;
    if (found != models_.end()) {
      for (const auto& [version, v] : found->second.versions) loaded = loaded || static_cast<bool>(v.model);
      if (!loaded) models_.erase(found);
    }
  }
  std::map<std::string, std::vector<std::string>> changed;
  for (const auto& [name, paths] : folders) {
    auto found = known.find(name);
    if (found == known.end() || !(SnapshotOf(paths) == found->second)) changed[name] = paths;
  }
  if (changed.empty()) return;
  for (const auto& [name, paths] : changed) {
    LOG_INFO << (known.count(name) ? "model folder of '" + name + "' changed; reloading it"
                                   : "new model folder '" + name + "'; loading it");
  }
  std::vector<std::string> failed;
  LoadBatch(changed, &failed);
  std::set<std::string> loaded;
  for (const auto& [name, paths] : changed) loaded.insert(name);
  RefreshDependents(loaded);
}

Status ModelManager::Get(const std::string& name, int64_t version, std::shared_ptr<ModelVersion>* out) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = models_.find(name);
  if (it == models_.end()) return Status::NotFound("Request for unknown model: '" + name + "' is not found");
  const auto& versions = it->second.versions;
  if (version < 0) {
    for (auto v = versions.rbegin(); v != versions.rend(); ++v) {
      if (v->second.model) {
        *out = v->second.model.model();
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
  *out = v->second.model.model();
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

std::vector<ModelStatus> ModelManager::RepositoryIndex() const {
  std::map<std::string, ModelStatus> merged;
  for (auto& status : Index()) merged[status.name] = std::move(status);
  std::map<std::string, std::vector<std::string>> folders;
  (void)ScanRepositories(options_.repositories, &folders);  // the index still lists the models known
  for (const auto& [name, paths] : folders) {
    if (merged.count(name)) continue;
    ModelStatus& status = merged[name];
    status.name = name;
    status.name_only = true;
  }
  std::vector<ModelStatus> index;
  for (auto& [name, status] : merged) index.push_back(std::move(status));
  return index;
}

bool ModelManager::AllReady() const {
  std::vector<std::shared_ptr<ModelVersion>> loaded;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [name, entry] : models_) {
      if (!entry.unloaded && entry.status.state != ModelState::kReady) return false;
      for (const auto& [number, version] : entry.versions) {
        if (version.model.model()) loaded.push_back(version.model.model());
      }
    }
  }
  // Asked outside the lock: a model's own readiness check may take seconds.
  return std::all_of(loaded.begin(), loaded.end(), [](const auto& model) { return model->Ready(); });
}

void ModelManager::UnloadAll() {
  std::vector<std::shared_ptr<std::mutex>> model_locks;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    for (const auto& [name, model_lock] : model_locks_) model_locks.push_back(model_lock);
  }
  // Loads and unloads in progress end first (a load finishing now installs
  // nothing), then the versions that loads replaced finish their requests.
  for (const auto& model_lock : model_locks) std::lock_guard<std::mutex> wait(*model_lock);
  retiring_.WaitAll();
  // Ensembles first, while the models they use still answer their requests in flight.
  for (bool ensembles : {true, false}) {
    std::vector<ModelEntry> entries;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
      for (auto it = models_.begin(); it != models_.end();) {
        if (it->second.steps.empty() == ensembles) {
          ++it;
          continue;
        }
        entries.push_back(std::move(it->second));
        it = models_.erase(it);
      }
    }
    entries.clear();  // waits for the requests of each version
  }
}

}  // namespace inferd
