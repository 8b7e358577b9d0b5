// What the command line changes in how gRPC calls are served, and the checks
// it implies for each call.
#pragma once

#include <grpcpp/grpcpp.h>

#include "core/inference.h"
#include "core/status.h"
#include "frontend/api_restrictions.h"
#include "frontend/header_forwarding.h"

namespace inferd {

struct GrpcServiceOptions {
  ApiRestrictions restrictions;        // --grpc-restricted-protocol
  HeaderForwarding header_forwarding;  // --grpc-header-forward-pattern
  // --grpc-infer-response-compression-level, for clients that accept it.
  grpc_compression_level infer_compression = GRPC_COMPRESS_LEVEL_NONE;
};

// Ok, or the UNAVAILABLE status that refuses a call to a restricted group of
// methods whose metadata lacks the restriction's key with exactly its value.
Status CheckRestriction(const ApiRestrictions& restrictions, ApiCategory category,
                        const grpc::ServerContext& context);

// Adds the call's metadata that `forwarding` selects to the request's parameters.
Status ForwardHeaders(const HeaderForwarding& forwarding, const grpc::ServerContext& context,
                      InferenceRequest* request);

}  // namespace inferd
