// The KServe v2 gRPC side of ServerClient, over the generated
// GRPCInferenceService stub. Tensors travel as raw_input_contents.
//
// Client send is the time to build the request message and client receive
// the time to check the response message; protobuf serialisation happens
// inside the gRPC call and is counted with the network and server.
#pragma once

#include <memory>

#include "perf/server_client.h"

namespace inferd::perf {

std::unique_ptr<ServerClient> MakeGrpcServerClient(const ClientOptions& options);

}  // namespace inferd::perf
