// OrtLibrary: the loaded ONNX Runtime shared library, its function table and
// the one OrtEnv the backend uses.
//
// Loading happens once per backend: dlopen the library, look up
// OrtGetApiBase, ask for the table version we need (a library too old to
// have it answers null and we say so), and create the environment every
// session of this backend is created in.
//
// The library is never dlclose'd: ONNX Runtime keeps thread pools and static
// state that must not be unmapped while anything could still run, and a
// server loads it once anyway.
//
// Lifetime: shared (std::shared_ptr) by the backend, its instances and every
// output Buffer that still holds ONNX Runtime memory, so the environment
// outlives all of them.
// Thread safety: immutable after Load; api() and env() may be used from any
// thread.
#pragma once

#include <memory>
#include <string>

#include "backends/onnxruntime/ort_api.h"
#include "core/status.h"

namespace inferd::ort {

class OrtLibrary {
 public:
  // Loads the library at `path` (a file path, or a bare name resolved by the
  // dynamic loader) and creates the environment.
  static Status Load(const std::string& path, std::shared_ptr<const OrtLibrary>* out);

  ~OrtLibrary();
  OrtLibrary(const OrtLibrary&) = delete;
  OrtLibrary& operator=(const OrtLibrary&) = delete;

  const OrtApi& api() const { return api_; }
  OrtEnv* env() const { return env_; }
  const std::string& path() const { return path_; }
  const std::string& version() const { return version_; }

 private:
  OrtLibrary(std::string path, std::string version, OrtApi api)
      : path_(std::move(path)), version_(std::move(version)), api_(api) {}

  std::string path_;
  std::string version_;  // e.g. "1.22.0"
  OrtApi api_;
  OrtEnv* env_ = nullptr;
};

}  // namespace inferd::ort
