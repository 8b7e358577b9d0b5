// The gRPC status for a core Status: code from the one mapping in
// core/status.cc, details = the same text HTTP puts in {"error": ...}.
#pragma once

#include <grpcpp/grpcpp.h>

#include "core/status.h"

namespace inferd {

inline grpc::Status ToGrpcStatus(const Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(GrpcCodeFor(status.code())), status.message());
}

}  // namespace inferd
