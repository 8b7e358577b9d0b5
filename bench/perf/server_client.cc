#include "perf/server_client.h"

#include "perf/grpc_client.h"
#include "perf/http_client.h"

namespace inferd::perf {

std::unique_ptr<ServerClient> MakeServerClient(const ClientOptions& options) {
  if (options.protocol == Protocol::kGrpc) return MakeGrpcServerClient(options);
  return MakeHttpServerClient(options);
}

}  // namespace inferd::perf
