// The states of models and versions, as the repository index, the model
// table and readiness report them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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
  // A model folder that was never loaded: the index shows its name only.
  bool name_only = false;
};

// One line of the repository index: a model version, or (with an empty
// `version`) a model whose configuration failed before it had versions, or
// (with `name_only`) a model that was never loaded.
struct IndexRow {
  std::string name;
  std::string version;
  ModelState state = ModelState::kUnknown;
  std::string reason;
  bool name_only = false;
};

// The index as rows, in model order; `ready_only` keeps READY rows.
std::vector<IndexRow> IndexRows(const std::vector<ModelStatus>& models, bool ready_only);

}  // namespace inferd
