#include "repository/model_status.h"

namespace inferd {

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
    if (model.name_only) {
      if (!ready_only) rows.push_back({model.name, "", ModelState::kUnknown, "", true});
      continue;
    }
    if (model.versions.empty()) add(model.name, "", model.state, model.reason);
    for (const auto& version : model.versions) {
      add(model.name, std::to_string(version.version), version.state, version.reason);
    }
  }
  return rows;
}

}  // namespace inferd
