#include "repository/override_folder.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "core/logging.h"

namespace inferd {
namespace fs = std::filesystem;

Status CheckOverrideFilePath(const std::string& path) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArg("invalid load parameter 'file:" + path + "': " + why);
  };
  if (path.empty()) return bad("the file path is empty");
  if (path.front() == '/') return bad("the file path must be relative to the model folder");
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    std::string segment = path.substr(start, slash - start);
    if (segment.empty()) return bad("the file path has an empty segment");
    if (segment == "." || segment == "..") return bad("the file path must stay inside the model folder");
    start = slash + 1;
  }
  if (path.find('\0') != std::string::npos) return bad("the file path contains a NUL character");
  return Status::Ok();
}

Status OverrideFolder::Create(const std::string& model_name, const std::map<std::string, std::string>& files,
                              std::shared_ptr<OverrideFolder>* out) {
  for (const auto& [path, contents] : files) INFERD_RETURN_IF_ERROR(CheckOverrideFilePath(path));
  std::error_code ec;
  std::string pattern = (fs::temp_directory_path(ec) / "inferd-model-XXXXXX").string();
  if (ec) pattern = "/tmp/inferd-model-XXXXXX";
  if (!mkdtemp(pattern.data())) {
    return Status::Internal("unable to create a temporary folder for the files of model '" + model_name + "'");
  }
  std::shared_ptr<OverrideFolder> folder(new OverrideFolder());
  folder->root_ = pattern;
  folder->model_dir_ = pattern + "/" + model_name;
  for (const auto& [path, contents] : files) {
    fs::path target = fs::path(folder->model_dir_) / path;
    fs::create_directories(target.parent_path(), ec);
    std::ofstream file(target, std::ios::binary | std::ios::trunc);
    file.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    file.close();
    if (ec || !file) {
      return Status::Internal("unable to write file '" + path + "' of model '" + model_name + "' to '" +
                              target.string() + "'");
    }
  }
  fs::create_directories(folder->model_dir_, ec);
  *out = std::move(folder);
  return Status::Ok();
}

OverrideFolder::~OverrideFolder() {
  std::error_code ec;
  fs::remove_all(root_, ec);
  if (ec) LOG_WARNING << "unable to remove the temporary model folder '" << root_ << "': " << ec.message();
}

}  // namespace inferd
