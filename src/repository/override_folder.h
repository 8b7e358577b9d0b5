// OverrideFolder: a model folder written from the files of a load request
// (`file:<version>/<path>` parameters), used instead of the repository's
// folder for that load. It lives in a fresh temporary directory, named after
// the model as a repository folder would be, and is removed with the object:
// the versions loaded from it keep it alive (a Python model's stub reads
// model.py again when it restarts).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/status.h"

namespace inferd {

class OverrideFolder {
 public:
  // Writes `files` (relative path -> contents) under a new
  // <temp>/inferd-model-XXXXXX/<model_name>/. Paths must be relative and
  // stay inside the folder.
  static Status Create(const std::string& model_name, const std::map<std::string, std::string>& files,
                       std::shared_ptr<OverrideFolder>* out);
  ~OverrideFolder();

  OverrideFolder(const OverrideFolder&) = delete;
  OverrideFolder& operator=(const OverrideFolder&) = delete;

  const std::string& model_dir() const { return model_dir_; }

 private:
  OverrideFolder() = default;

  std::string root_;       // the temporary directory, removed at destruction
  std::string model_dir_;  // root_/<model name>
};

// Checks a file path of a load request: relative, no "." or ".." segments,
// no empty segments. The message names the parameter.
Status CheckOverrideFilePath(const std::string& path);

}  // namespace inferd
