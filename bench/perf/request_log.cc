#include "perf/request_log.h"

namespace inferd::perf {

RequestLog::RequestLog(size_t workers) {
  for (size_t i = 0; i < workers; ++i) buffers_.push_back(std::make_unique<Buffer>());
}

void RequestLog::Add(size_t worker, const RequestRecord& record) {
  Buffer& buffer = *buffers_[worker];
  std::lock_guard<std::mutex> lock(buffer.mutex);
  buffer.records.push_back(record);
}

void RequestLog::AddError(size_t worker, const RequestRecord& record, const std::string& message) {
  {
    std::lock_guard<std::mutex> lock(error_mutex_);
    if (first_error_.empty()) first_error_ = message;
  }
  RequestRecord error = record;
  error.kind = RequestRecord::Kind::kError;
  Add(worker, error);
}

std::vector<RequestRecord> RequestLog::Take(int64_t from_ns, int64_t to_ns) {
  std::vector<RequestRecord> taken;
  for (auto& buffer : buffers_) {
    std::lock_guard<std::mutex> lock(buffer->mutex);
    std::vector<RequestRecord> later;
    for (const RequestRecord& record : buffer->records) {
      if (record.end_ns > to_ns) {
        later.push_back(record);
      } else if (record.end_ns >= from_ns) {
        taken.push_back(record);
      }
    }
    buffer->records = std::move(later);
  }
  return taken;
}

std::string RequestLog::FirstError() const {
  std::lock_guard<std::mutex> lock(error_mutex_);
  return first_error_;
}

}  // namespace inferd::perf
