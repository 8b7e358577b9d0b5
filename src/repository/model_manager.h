// ModelManager: the models of the repositories, by name and version, with
// their state.
//
// At start-up LoadAll() reads every model folder of every repository and
// loads the versions its policy selects, several models at a time. A model
// or version that fails is kept with state UNAVAILABLE and the reason, and
// the others serve. Lookups are thread-safe and return shared pointers, so
// a model in use stays alive until its last request is done.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backends/backend_registry.h"
#include "repository/model_config_loader.h"
#include "repository/model_version.h"

namespace inferd {

enum class ModelState { kUnknown, kReady, kUnavailable, kLoading, kUnloading };
const char* ModelStateName(ModelState state);

struct VersionStatus {
  int64_t version = 0;
  ModelState state = ModelState::kUnknown;
  std::string reason;
};

// One model as the repository index shows it. A model whose config failed
// has no versions and its failure in `reason`.
struct ModelStatus {
  std::string name;
  std::vector<VersionStatus> versions;
  ModelState state = ModelState::kUnknown;
  std::string reason;
};

// One line of the repository index: a model version, or (with an empty
// `version`) a model whose configuration failed before it had versions.
struct IndexRow {
  std::string name;
  std::string version;
  ModelState state = ModelState::kUnknown;
  std::string reason;
};

// The index as rows, in model order; `ready_only` keeps READY rows.
std::vector<IndexRow> IndexRows(const std::vector<ModelStatus>& models, bool ready_only);

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

  // Loads every model. Returns OK when all loaded, else a status naming each
  // model that failed; the models that loaded serve either way.
  Status LoadAll();

  // The READY version `version` of `name`, or its highest READY version when
  // `version` is -1. NOT_FOUND for unknown models or versions, UNAVAILABLE
  // for a version that exists but is not ready.
  Status Get(const std::string& name, int64_t version, std::shared_ptr<ModelVersion>* out) const;

  // Every model, sorted by name.
  std::vector<ModelStatus> Index() const;

  // True when every model has all its versions READY.
  bool AllReady() const;

  // Unloads every model, waiting for requests in flight.
  void UnloadAll();

 private:
  struct VersionEntry {
    VersionStatus status;
    std::shared_ptr<ModelVersion> model;
  };
  struct ModelEntry {
    ModelStatus status;  // versions are kept in `versions` below
    std::map<int64_t, VersionEntry> versions;
  };

  // Loads one model folder into `entry` (no lock held while loading).
  void LoadModel(const std::string& model_dir, ModelEntry* entry);
  // Loads models several at a time, storing each entry when done.
  void LoadInParallel(const std::vector<std::pair<std::string, ModelEntry*>>& models);
  // Checks an ensemble's steps against the READY step models.
  Status CheckSteps(const inference::ModelConfig& ensemble) const;

  ModelManagerOptions options_;
  BackendRegistry* backends_;
  mutable std::mutex mutex_;
  std::map<std::string, ModelEntry> models_;
};

}  // namespace inferd
