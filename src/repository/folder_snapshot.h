// FolderSnapshot: what a model folder holds, entry by entry, so that a later
// look can tell what changed since the model was loaded (poll mode, and
// loads that keep the versions whose files are the same).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

namespace inferd {

// One file or folder: its size and modification time (folders: size -1,
// time 0, so only their presence counts; their files speak for them).
struct FileStamp {
  int64_t size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileStamp& other) const { return size == other.size && mtime_ns == other.mtime_ns; }
};

// Path relative to the model folder ("config.pbtxt", "1/model.onnx") -> stamp.
using FolderSnapshot = std::map<std::string, FileStamp>;

// Reads the folder recursively; an unreadable or missing folder is empty.
FolderSnapshot TakeSnapshot(const std::string& model_dir);

// What differs between two snapshots of one model folder.
struct FolderChanges {
  // Version folders (by number) added, removed, or with a file that changed.
  std::set<int64_t> versions;
  // Anything outside the version folders: config.pbtxt, label files, ...
  bool outside_versions = false;

  bool any() const { return outside_versions || !versions.empty(); }
};

FolderChanges CompareSnapshots(const FolderSnapshot& before, const FolderSnapshot& after);

}  // namespace inferd
