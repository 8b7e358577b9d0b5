#include "backends/onnxruntime/ort_library.h"

#include <dlfcn.h>

#include "backends/onnxruntime/ort_handles.h"

namespace inferd::ort {

Status OrtLibrary::Load(const std::string& path, std::shared_ptr<const OrtLibrary>* out) {
  // RTLD_LOCAL keeps ONNX Runtime's bundled symbols (protobuf, ...) from
  // interposing on ours.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return Status::Unavailable("cannot load ONNX Runtime library '" + path +
                               "': " + (why ? why : "unknown dlopen error"));
  }
  dlerror();  // clear any stale error before dlsym
  void* symbol = dlsym(handle, kGetApiBaseSymbol);
  if (symbol == nullptr) {
    const char* why = dlerror();
    std::string reason = why ? why : "not found";
    dlclose(handle);
    return Status::Unavailable("'" + path + "' is not an ONNX Runtime library: no symbol " +
                               kGetApiBaseSymbol + ": " + reason);
  }
  auto get_api_base = reinterpret_cast<GetApiBaseFn>(symbol);
  const OrtApiBase* base = get_api_base();
  if (base == nullptr || base->GetApi == nullptr) {
    dlclose(handle);
    return Status::Unavailable("ONNX Runtime library '" + path + "' returned no API base");
  }
  std::string version = base->GetVersionString ? base->GetVersionString() : "unknown";
  const void* table = base->GetApi(kRequiredApiVersion);
  if (table == nullptr) {
    dlclose(handle);
    return Status::Unavailable(
        "ONNX Runtime library '" + path + "' (version " + version +
        ") does not provide C API version " + std::to_string(kRequiredApiVersion) +
        "; inferd needs ONNX Runtime 1." + std::to_string(kRequiredApiVersion) + " or newer");
  }

  std::shared_ptr<OrtLibrary> library(new OrtLibrary(path, version, OrtApi(table)));
  OrtEnv* env = nullptr;
  Status status =
      ToStatus(library->api(), library->api().CreateEnv(LoggingLevel::kWarning, "inferd", &env),
               "cannot create ONNX Runtime environment: ");
  if (!status.ok()) return status;
  library->env_ = env;
  *out = std::move(library);
  return Status::Ok();
}

OrtLibrary::~OrtLibrary() { api_.ReleaseEnv(env_); }

}  // namespace inferd::ort
