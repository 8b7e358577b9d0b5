// JSON body of the statistics endpoints, GET /v2/models[/<m>[/versions/<v>]]/stats:
// {"model_stats": [...]} with every key of spec/metrics.md §3, durations in
// nanoseconds.
#pragma once

#include <string>
#include <vector>

#include "core/server.h"

namespace inferd {

std::string StatisticsJson(const std::vector<ModelStatsEntry>& entries);

}  // namespace inferd
