#include "repository/version_policy.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <set>

namespace inferd {
namespace fs = std::filesystem;

bool ParseVersionFolderName(const std::string& name, int64_t* version) {
  auto [end, err] = std::from_chars(name.data(), name.data() + name.size(), *version);
  bool numeric = err == std::errc() && end == name.data() + name.size() && *version >= 0;
  return numeric && !(name.size() > 1 && name[0] == '0');
}

std::vector<int64_t> ListVersionFolders(const std::string& model_dir, std::vector<std::string>* ignored) {
  static const std::set<std::string> kNeverVersions = {"configs", "warmup", "initial_state"};
  std::vector<int64_t> versions;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(model_dir, ec)) {
    if (!entry.is_directory(ec)) continue;
    std::string name = entry.path().filename().string();
    if (kNeverVersions.count(name)) continue;
    int64_t version = 0;
    if (!ParseVersionFolderName(name, &version)) {
      if (ignored) ignored->push_back(name);
      continue;
    }
    versions.push_back(version);
  }
  std::sort(versions.begin(), versions.end());
  return versions;
}

std::vector<int64_t> SelectVersions(const inference::ModelVersionPolicy& policy,
                                    const std::vector<int64_t>& available, std::vector<int64_t>* missing) {
  std::vector<int64_t> selected;
  if (policy.has_all()) return available;
  if (policy.has_specific()) {
    for (int64_t version : policy.specific().versions()) {
      if (std::binary_search(available.begin(), available.end(), version)) {
        selected.push_back(version);
      } else if (missing) {
        missing->push_back(version);
      }
    }
    std::sort(selected.begin(), selected.end());
    selected.erase(std::unique(selected.begin(), selected.end()), selected.end());
    return selected;
  }
  size_t count = policy.has_latest() ? policy.latest().num_versions() : 1;
  size_t start = available.size() > count ? available.size() - count : 0;
  selected.assign(available.begin() + static_cast<std::ptrdiff_t>(start), available.end());
  return selected;
}

}  // namespace inferd
