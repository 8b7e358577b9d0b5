// Tracer: picks the requests to trace and writes their traces in Triton's
// trace file format, a JSON array of objects:
//   {"id": 1, "model_name": "m", "model_version": 1, "request_id": "r"}
//   {"id": 1, "timestamps": [{"name": "REQUEST_START", "ns": 123}]}    TIMESTAMPS level
//   {"id": 1, "activity": "TENSOR_QUEUE_INPUT",                         TENSORS level
//    "tensor": {"name": "INPUT0", "data": "1,2", "shape": "1,2", "dtype": "FP32"}}
// Timestamps are steady-clock nanoseconds.
//
// Sampling: with a level other than OFF and a trace file, one request in
// `rate` of each model is traced while `count` allows (each trace takes one
// from the count of whoever set it: the model, or the global settings). With
// log_frequency N > 0 every N finished traces go to "<file>.<k>" (k = 0, 1,
// ...), on a thread of their own; the rest, or all of them with 0, are
// written at shutdown (to "<file>" with 0). The steps of a traced ensemble
// request are traced too, their traces naming the ensemble's as "parent_id".
// Thread-safe; when nothing is traced, Sample costs one atomic load.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/background_tasks.h"
#include "core/shape.h"
#include "core/tensor.h"
#include "core/trace_settings.h"

namespace inferd {

class Tracer;

// The trace of one request; filled while the request runs, by the core and
// by the frontend that answers it. It is complete when its last holder lets
// it go (the core after the final response, the frontend once the answer is
// sent, an ensemble once its steps are done): it then joins the traces to be
// written.
class RequestTrace {
 public:
  RequestTrace(Tracer* tracer, uint64_t id, TraceLevel level, int64_t log_frequency, uint64_t parent_id = 0)
      : tracer_(tracer), id_(id), level_(level), log_frequency_(log_frequency), parent_id_(parent_id) {}
  ~RequestTrace();
  RequestTrace(const RequestTrace&) = delete;
  RequestTrace& operator=(const RequestTrace&) = delete;

  uint64_t id() const { return id_; }
  uint64_t parent_id() const { return parent_id_; }  // 0: none
  const TraceLevel& level() const { return level_; }

  // Adds the request's first object: what it asked for, and the trace of the
  // request that made it (parent_id) if any.
  void Describe(const std::string& model, int64_t version, const std::string& request_id);
  // A timestamp, when the level includes TIMESTAMPS.
  void Timestamp(const char* name, uint64_t ns);
  // A tensor's data as text, when the level includes TENSORS. `activity`:
  // TENSOR_QUEUE_INPUT or TENSOR_BACKEND_OUTPUT.
  void AddTensor(const char* activity, const Tensor& tensor);

 private:
  friend class Tracer;
  void Add(std::string entry);

  Tracer* const tracer_;
  const uint64_t id_;
  const TraceLevel level_;
  const int64_t log_frequency_;  // of the settings it was taken under
  const uint64_t parent_id_;
  std::mutex mutex_;             // responses of a decoupled model may come from several threads
  std::vector<std::string> entries_;
};

// For a frontend about to send an answer: notes `start` (e.g.
// "HTTP_SEND_START") in `trace` now and returns something to hold until the
// answer is sent, which when let go notes `end` and lets the trace go too.
// Null when `trace` is.
std::shared_ptr<void> TraceSending(std::shared_ptr<RequestTrace> trace, const char* start, const char* end);

class Tracer {
 public:
  explicit Tracer(TraceSettings startup);
  ~Tracer();  // writes the traces not yet written

  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  // The settings that apply to `model`; the global ones for "".
  TraceSettings Settings(const std::string& model) const;
  // Applies an update to the global settings ("") or to a model's.
  void Update(const std::string& model, const TraceSettingsChange& change);

  // A new trace for a request of `model` when it is sampled, else null.
  std::shared_ptr<RequestTrace> Sample(const std::string& model);
  // The trace of a request that a traced request made: always taken, with
  // the parent's level, outside sampling and counts.
  std::shared_ptr<RequestTrace> Child(const RequestTrace& parent);
  // Writes every finished trace not yet written (at shutdown, once no
  // request is in flight: every trace must end before the tracer).
  void WriteAll();

 private:
  friend class RequestTrace;
  // A trace is complete: it joins those to be written.
  void Collect(RequestTrace* trace);
  // Requires mutex_. Whether any settings could trace a request.
  bool AnyTracing() const;
  // Requires mutex_. The global settings now.
  TraceSettings Global() const { return global_.Over(startup_); }

  const TraceSettings startup_;  // the file never changes
  mutable std::mutex mutex_;
  TraceOverrides global_;  // changes since start-up; clearing one restores its start-up value
  std::map<std::string, TraceOverrides> models_;
  std::map<std::string, uint64_t> seen_;  // requests of each model since start
  std::atomic<bool> tracing_{false};      // AnyTracing(), for Sample's fast path
  uint64_t next_id_ = 1;
  std::vector<std::string> pending_;  // entries of finished traces
  int64_t pending_traces_ = 0;
  int64_t next_file_index_ = 0;
  BackgroundTasks writers_;  // write the files of log_frequency; last, so it goes first
};

}  // namespace inferd
