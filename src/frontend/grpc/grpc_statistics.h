// The ModelStatistics reply, filled from the server's statistics.
#pragma once

#include <vector>

#include "core/server.h"
#include "grpc_service.pb.h"

namespace inferd {

void FillStatistics(const std::vector<ModelStatsEntry>& entries, inference::ModelStatisticsResponse* response);

}  // namespace inferd
