#include "core/status.h"

namespace inferd {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArg: return "Invalid argument";
    case StatusCode::kNotFound: return "Not found";
    case StatusCode::kUnavailable: return "Unavailable";
    case StatusCode::kUnsupported: return "Unsupported";
    case StatusCode::kInternal: return "Internal";
    case StatusCode::kUnknown: return "Unknown";
    case StatusCode::kAlreadyExists: return "Already exists";
    case StatusCode::kCancelled: return "Cancelled";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kUnsupported: return 501;
    case StatusCode::kInternal: return 500;
    case StatusCode::kInvalidArg:
    case StatusCode::kUnknown:
    case StatusCode::kAlreadyExists:
    case StatusCode::kCancelled: return 400;
  }
  return 500;
}

int GrpcCodeFor(StatusCode code) {
  // Numbers of grpc::StatusCode, so the core needs no gRPC header.
  switch (code) {
    case StatusCode::kOk: return 0;
    case StatusCode::kCancelled: return 1;
    case StatusCode::kUnknown: return 2;
    case StatusCode::kInvalidArg: return 3;
    case StatusCode::kNotFound: return 5;
    case StatusCode::kAlreadyExists: return 6;
    case StatusCode::kUnsupported: return 12;
    case StatusCode::kInternal: return 13;
    case StatusCode::kUnavailable: return 14;
  }
  return 2;
}

}  // namespace inferd
