#include "core/model_load_overrides.h"

namespace inferd {
namespace {

constexpr std::string_view kFilePrefix = "file:";

bool IsFileParameter(const std::string& key) { return key.rfind(kFilePrefix, 0) == 0; }

}  // namespace

bool IsLoadParameter(const std::string& key) { return key == "config" || IsFileParameter(key); }

Status AddLoadParameter(const std::string& key, std::string value, ModelLoadOverrides* overrides) {
  if (key == "config") {
    overrides->config = std::move(value);
    return Status::Ok();
  }
  if (!IsFileParameter(key)) return Status::InvalidArg("unrecognized load parameter '" + key + "'.");
  std::string path = key.substr(kFilePrefix.size());
  if (path.empty()) return Status::InvalidArg("load parameter '" + key + "' names no file: expected 'file:<version>/<path>'");
  overrides->files[path] = std::move(value);
  return Status::Ok();
}

}  // namespace inferd
