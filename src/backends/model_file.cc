#include "backends/model_file.h"

#include <filesystem>

namespace inferd {

Status ResolveModelFile(const ModelSpec& spec, const std::string& default_name, const std::string& kind,
                        std::string* file) {
  namespace fs = std::filesystem;
  fs::path path = spec.model_path.empty() ? fs::path(spec.version_dir) / default_name : fs::path(spec.model_path);
  std::error_code error;
  if (fs::is_directory(path, error)) path /= default_name;
  if (!fs::is_regular_file(path, error)) {
    return Status::NotFound("model '" + spec.model_name + "' version " + std::to_string(spec.version) + ": no " +
                            kind + " model file at '" + path.string() + "'");
  }
  *file = path.string();
  return Status::Ok();
}

}  // namespace inferd
