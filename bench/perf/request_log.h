// RequestLog: what every worker did, collected window by window.
//
// Workers add records as their requests end; the measurement takes the
// records of each window by end time. Thread-safe; each worker appends to a
// buffer of its own so workers do not contend with each other.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace inferd::perf {

struct RequestRecord {
  enum class Kind : uint8_t { kOk, kError, kDropped };
  Kind kind = Kind::kOk;
  int64_t start_ns = 0;  // steady clock; for a dropped send, its planned time
  int64_t end_ns = 0;    // for a dropped send, its planned time
  int64_t send_ns = 0;
  int64_t recv_ns = 0;
  int64_t delay_ns = 0;  // request-rate mode: how long after its planned time it was sent
};

class RequestLog {
 public:
  explicit RequestLog(size_t workers);

  void Add(size_t worker, const RequestRecord& record);
  // Adds an error record; the first error's message is kept.
  void AddError(size_t worker, const RequestRecord& record, const std::string& message);

  // Removes and returns the records that ended in [from_ns, to_ns]; those
  // that ended before from_ns are discarded, later ones stay.
  std::vector<RequestRecord> Take(int64_t from_ns, int64_t to_ns);

  std::string FirstError() const;

 private:
  struct Buffer {
    std::mutex mutex;
    std::vector<RequestRecord> records;
  };
  std::vector<std::unique_ptr<Buffer>> buffers_;
  mutable std::mutex error_mutex_;
  std::string first_error_;
};

}  // namespace inferd::perf
