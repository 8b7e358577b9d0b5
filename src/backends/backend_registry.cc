#include "backends/backend_registry.h"

#include "backends/onnxruntime/onnxruntime_backend.h"
#include "backends/python/python_backend.h"
#ifdef INFERD_WITH_PYTORCH
#include "backends/pytorch/pytorch_backend.h"
#endif

namespace inferd {

BackendRegistry::BackendRegistry(std::map<std::string, BackendSettings> settings)
    : settings_(std::move(settings)) {}

void BackendRegistry::RegisterBuiltinBackends() {
  Register("onnxruntime", CreateOnnxRuntimeBackend);
  Register("python", [this](const BackendSettings& settings, std::unique_ptr<Backend>* out) {
    return CreatePythonBackend(settings, &services_, out);
  });
#ifdef INFERD_WITH_PYTORCH
  Register("pytorch", CreatePyTorchBackend);
#endif
}

void BackendRegistry::Register(const std::string& name, Factory factory) {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_[name].factory = std::move(factory);
}

Status BackendRegistry::Get(const std::string& name, Backend** backend) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(name);
  if (it == entries_.end()) {
    std::string known;
    for (const auto& [known_name, entry] : entries_) known += (known.empty() ? "" : ", ") + known_name;
    return Status::InvalidArg("backend '" + name + "' is not available in this build of inferd (available: " +
                              known + ")");
  }
  Entry& entry = it->second;
  if (!entry.initialised) {
    entry.initialised = true;
    entry.init_status = entry.factory(settings_[name], &entry.backend);
  }
  if (!entry.init_status.ok()) return entry.init_status;
  *backend = entry.backend.get();
  return Status::Ok();
}

void BackendRegistry::AbortAll() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [name, entry] : entries_) {
    if (entry.backend) entry.backend->Abort();
  }
}

}  // namespace inferd
