// ModelManager: the models of the repositories, by name and version, with
// their state, and their lifecycle: load, reload, unload, repository polls.
//
// Loading a model reads its config, builds every new version, and only then
// swaps them in under the lock; versions whose folder and config did not
// change are kept as they are. Requests hold shared pointers, so a version
// that is replaced or unloaded finishes the requests it has before it goes:
// in the background after a load, before Unload returns. A load
// that fails leaves the versions that served before serving, and its reason
// in the index. Loads and unloads of one model run one at a time; different
// models load in parallel, and the manager's lock is never held while a
// model loads or drains.
//
// Ensembles load after the models they use. An ensemble whose step model is
// unloaded becomes UNAVAILABLE, naming the step, and is loaded again when
// the step loads again. Loading an ensemble loads its steps that are not
// ready.
//
// Thread-safe. Lookups return shared pointers.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "backends/backend_registry.h"
#include "core/background_tasks.h"
#include "core/model_load_overrides.h"
#include "repository/folder_snapshot.h"
#include "repository/model_config_loader.h"
#include "repository/model_status.h"
#include "repository/model_version.h"
#include "repository/override_folder.h"
#include "repository/owned_version.h"

namespace inferd {

struct ModelManagerOptions {
  std::vector<std::string> repositories;
  ConfigLoadOptions config;
  int load_threads = 4;
  // How ensembles run their steps; must outlive the manager.
  const InferenceServices* services = nullptr;
};

class ModelManager {
 public:
  ModelManager(ModelManagerOptions options, BackendRegistry* backends);
  ~ModelManager();

  // Loads every model folder, several at a time. Returns OK when all
  // loaded, else a status naming each model that failed; the models that
  // loaded serve either way.
  Status LoadAll();

  // Loads the named models and the steps of the named ensembles, several at
  // a time; "*" alone means every model. As LoadAll otherwise.
  Status LoadModels(const std::vector<std::string>& names);

  // Loads or reloads `name` with `overrides`, after the steps it needs when
  // it is an ensemble. Blocks until the new versions serve; the versions
  // they replace finish their requests in the background. INVALID_ARG
  // naming the model (and each failed version) when it fails.
  Status Load(const std::string& name, const ModelLoadOverrides& overrides);

  // Unloads every version of `name`, waiting for their requests in flight.
  // The ensembles that use it become UNAVAILABLE, or with
  // `unload_dependents` are unloaded too. A model that is not loaded is a
  // success.
  Status Unload(const std::string& name, bool unload_dependents);

  // Looks at the repositories again: loads new model folders, unloads the
  // models whose folder is gone, and reloads those whose folder changed.
  void Poll();

  // The READY version `version` of `name`, or its highest READY version when
  // `version` is -1. NOT_FOUND for unknown models or versions, UNAVAILABLE
  // for a version that exists but is not ready.
  Status Get(const std::string& name, int64_t version, std::shared_ptr<ModelVersion>* out) const;

  // Every model a load was asked for (loaded, failed or unloaded), by name.
  std::vector<ModelStatus> Index() const;

  // Index() and the model folders never loaded (name only), by name.
  std::vector<ModelStatus> RepositoryIndex() const;

  // True when every model a load was asked for, and not unloaded since, has
  // all its versions READY, and every loaded version's own readiness check
  // (ModelVersion::Ready) agrees.
  bool AllReady() const;

  // Unloads every model, waiting for requests in flight. Loads and polls
  // are refused from then on.
  void UnloadAll();

 private:
  // Where a model's versions are loaded from.
  struct Source {
    std::string dir;
    std::shared_ptr<const inference::ModelConfig> config;  // the `config` override; null: config.pbtxt
    std::shared_ptr<OverrideFolder> files;                  // set when `dir` was written from `file:` overrides
  };
  struct VersionEntry {
    VersionStatus status;
    OwnedVersion model;
    std::shared_ptr<OverrideFolder> files;  // kept while the version lives
  };
  struct ModelEntry {
    ModelStatus status;  // versions are kept in `versions` below
    std::map<int64_t, VersionEntry> versions;
    Source source;                                         // of the last load that read a config
    std::shared_ptr<const inference::ModelConfig> config;  // that config
    FolderSnapshot snapshot;                               // the folder at the last load
    std::vector<std::string> steps;                        // an ensemble's step models
    bool unloaded = false;                                 // by request; readiness ignores it
  };

  // The lock that serializes loads and unloads of `name`.
  std::shared_ptr<std::mutex> ModelLock(const std::string& name);

  // Loads one model from `source` under its model lock. `force` reloads
  // versions even when nothing changed.
  Status LoadLocked(const std::string& name, const Source& source, bool force);
  Status LoadOne(const std::string& name, const Source& source, bool force);
  // Puts a load's versions in place in `entry` (under the lock): the newly
  // `loaded` ones, the `kept` ones, and for `failures` the old version if one
  // serves. Returns the versions replaced, to be released after the lock.
  static std::vector<VersionEntry> SwapInVersions(const std::vector<int64_t>& selected, const std::set<int64_t>& kept,
                                                  const std::map<int64_t, std::string>& failures,
                                                  const std::shared_ptr<OverrideFolder>& files,
                                                  std::map<int64_t, VersionEntry>* loaded, ModelEntry* entry);
  // Reads the complete config of `source` and, for an ensemble, its steps
  // (also when the check of its steps fails); `backend` stays null for
  // ensembles.
  Status ReadConfig(const Source& source, inference::ModelConfig* config, Backend** backend,
                    std::vector<std::string>* steps) const;
  // Records a load that failed before any version was tried.
  Status RecordFailure(const std::string& name, const Source& source, FolderSnapshot snapshot,
                       std::vector<std::string> steps, const std::string& reason);
  // The source a load request names: the repository folder, or a folder
  // written from its files; with its `config` override parsed.
  Status ResolveSource(const std::string& name, const ModelLoadOverrides& overrides, Source* source) const;
  // Load() without refreshing dependents; `stack` holds the ensembles whose
  // steps are being loaded, `loaded` collects every model tried.
  Status LoadTree(const std::string& name, const ModelLoadOverrides& overrides, std::vector<std::string>* stack,
                  std::set<std::string>* loaded);
  // Loads models several at a time, ensembles after the models they use;
  // adds the names that failed to `failed`.
  void LoadBatch(const std::map<std::string, std::vector<std::string>>& folders, std::vector<std::string>* failed);
  // Loads again the ensembles (not unloaded, not ready) that use one of
  // `loaded`, and in turn those that use them.
  void RefreshDependents(const std::set<std::string>& loaded);
  // The ensembles that use `name` and have a version loaded.
  std::vector<std::string> LoadedDependents(const std::string& name) const;
  // Drops every version of `name`, waiting for their requests; they stay
  // listed with `state` and `reason`.
  void DropVersions(const std::string& name, ModelState state, const std::string& reason, bool unloaded);
  // Unload() with the ensembles already visited.
  Status UnloadTree(const std::string& name, bool unload_dependents, std::set<std::string>* visited);
  // Makes the loaded ensembles that use `step` UNAVAILABLE, and those using them.
  void DisableDependents(const std::string& step, std::set<std::string>* visited);
  // Checks an ensemble's steps against the READY step models.
  Status CheckSteps(const inference::ModelConfig& ensemble) const;

  ModelManagerOptions options_;
  BackendRegistry* backends_;
  mutable std::mutex mutex_;
  std::map<std::string, ModelEntry> models_;
  std::map<std::string, std::shared_ptr<std::mutex>> model_locks_;
  bool closed_ = false;  // after UnloadAll
  BackgroundTasks retiring_;  // versions replaced by loads, finishing their requests
};

}  // namespace inferd
