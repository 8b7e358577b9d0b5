// Status: the result of every fallible operation in inferd.
//
// One code enum for the whole server. The mapping of a code to an HTTP status
// (and later a gRPC code) lives in status.cc and nowhere else, so every
// frontend reports the same failure the same way.
#pragma once

#include <string>
#include <utility>

namespace inferd {

enum class StatusCode {
  kOk,
  kInvalidArg,
  kNotFound,
  kUnavailable,
  kUnsupported,
  kInternal,
  kUnknown,
  kAlreadyExists,
  kCancelled,
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArg(std::string m) { return {StatusCode::kInvalidArg, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status Unsupported(std::string m) { return {StatusCode::kUnsupported, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "Invalid argument: <message>", the form used in logs and the model table.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Name of a code as written in logs ("Invalid argument", "Not found", ...).
const char* StatusCodeName(StatusCode code);

// HTTP status a frontend answers for a failed request with this code.
int HttpStatusFor(StatusCode code);

// gRPC status code number (grpc::StatusCode) for this code.
int GrpcCodeFor(StatusCode code);

}  // namespace inferd

// Returns early from the enclosing function when `expr` is not OK.
#define INFERD_RETURN_IF_ERROR(expr)          \
  do {                                        \
    ::inferd::Status _inferd_status = (expr); \
    if (!_inferd_status.ok()) return _inferd_status; \
  } while (0)
