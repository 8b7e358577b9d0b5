#include "repository/folder_snapshot.h"

#include <chrono>
#include <filesystem>

#include "repository/version_policy.h"

namespace inferd {
namespace fs = std::filesystem;
namespace {

// Records a change of `path` in the version folder it lies in, if any.
void NoteChange(const std::string& path, FolderChanges* changes) {
  std::string first = path.substr(0, path.find('/'));
  int64_t version = 0;
  if (ParseVersionFolderName(first, &version)) {
    changes->versions.insert(version);
  } else {
    changes->outside_versions = true;
  }
}

}  // namespace

FolderSnapshot TakeSnapshot(const std::string& model_dir) {
  FolderSnapshot snapshot;
  std::error_code ec;
  fs::recursive_directory_iterator it(model_dir, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code entry_ec;
    std::string path = fs::relative(it->path(), model_dir, entry_ec).generic_string();
    if (entry_ec) continue;
    // Python writes its byte-code caches next to model.py when the model loads.
    if (it->path().filename() == "__pycache__") {
      it.disable_recursion_pending();
      continue;
    }
    FileStamp stamp;
    if (it->is_directory(entry_ec)) {
      stamp.size = -1;
    } else {
      stamp.size = static_cast<int64_t>(it->file_size(entry_ec));
      auto time = it->last_write_time(entry_ec);
      stamp.mtime_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count();
    }
    snapshot[path] = stamp;
  }
  return snapshot;
}

FolderChanges CompareSnapshots(const FolderSnapshot& before, const FolderSnapshot& after) {
  FolderChanges changes;
  for (const auto& [path, stamp] : before) {
    auto found = after.find(path);
    if (found == after.end() || !(found->second == stamp)) NoteChange(path, &changes);
  }
  for (const auto& [path, stamp] : after) {
    if (!before.count(path)) NoteChange(path, &changes);
  }
  return changes;
}

}  // namespace inferd
