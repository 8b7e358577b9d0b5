// Version folders and the version policy that picks among them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model_config.pb.h"

namespace inferd {

// The version a sub-folder name stands for: a plain decimal number without
// leading zeros. False for any other name.
bool ParseVersionFolderName(const std::string& name, int64_t* version);

// Numeric sub-folder names of `model_dir`, ascending. Names that are not
// plain decimal numbers, or carry a leading zero, are skipped and reported
// in `ignored`.
std::vector<int64_t> ListVersionFolders(const std::string& model_dir, std::vector<std::string>* ignored);

// The versions the policy serves, ascending. Specific versions missing from
// `available` are reported in `missing`.
std::vector<int64_t> SelectVersions(const inference::ModelVersionPolicy& policy,
                                    const std::vector<int64_t>& available, std::vector<int64_t>* missing);

}  // namespace inferd
