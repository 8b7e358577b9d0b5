// BackendRegistry: finds the Backend for a config's `backend` name.
//
// Backends are created on first use (so a server with no ONNX model never
// loads ONNX Runtime) and kept until the registry is destroyed. A backend
// that fails to initialise is reported to every model that asks for it.
// Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "backends/backend.h"
#include "backends/python/python_settings.h"

namespace inferd {

class BackendRegistry {
 public:
  using Factory = std::function<Status(const BackendSettings&, std::unique_ptr<Backend>*)>;

  // `settings` maps a backend name to its --backend-config key/values.
  explicit BackendRegistry(std::map<std::string, BackendSettings> settings);

  // Registers the backends compiled into this build.
  void RegisterBuiltinBackends();

  // What Python models may call (BLS, model readiness); filled once the
  // server exists, before requests flow.
  InferenceServices& services() { return services_; }
  void Register(const std::string& name, Factory factory);

  // The backend named `name`, created on first call. The pointer stays valid
  // for the registry's lifetime.
  Status Get(const std::string& name, Backend** backend);

  // Calls Abort on every backend created so far (the server exits at once).
  void AbortAll();

 private:
  struct Entry {
    Factory factory;
    std::unique_ptr<Backend> backend;
    Status init_status;
    bool initialised = false;
  };
  std::mutex mutex_;
  std::map<std::string, BackendSettings> settings_;
  std::map<std::string, Entry> entries_;
  InferenceServices services_;
};

}  // namespace inferd
