// Status: success, or an error message meant for the person running the tool.
#pragma once

#include <string>
#include <utility>

namespace inferd::perf {

class Status {
 public:
  Status() = default;  // success
  static Status Ok() { return Status(); }
  static Status Error(std::string message) { return Status(std::move(message)); }

  bool ok() const { return !error_; }
  const std::string& message() const { return message_; }

 private:
  explicit Status(std::string message) : error_(true), message_(std::move(message)) {}

  bool error_ = false;
  std::string message_;
};

}  // namespace inferd::perf
