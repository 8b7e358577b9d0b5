// The KServe v2 HTTP/REST side of ServerClient.
#pragma once

#include <memory>

#include "perf/server_client.h"

namespace inferd::perf {

std::unique_ptr<ServerClient> MakeHttpServerClient(const ClientOptions& options);

}  // namespace inferd::perf
