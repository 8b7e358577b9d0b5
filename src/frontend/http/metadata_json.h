// JSON bodies of the metadata endpoints: GET /v2 and GET /v2/models/<m>.
#pragma once

#include <string>
#include <vector>

#include "core/server.h"

namespace inferd {

std::string ServerMetadataJson(const Server& server);

// `versions`: the versions to list (the requested one, or every READY one).
std::string ModelMetadataJson(const inference::ModelConfig& config, const std::vector<int64_t>& versions);

// POST /v2/repository/index: one entry per model version (or per model whose
// configuration failed, or just the name of a model never loaded);
// `ready_only` keeps READY entries.
std::string RepositoryIndexJson(const std::vector<ModelStatus>& models, bool ready_only);

}  // namespace inferd
