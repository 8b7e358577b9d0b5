// PythonInstance: one instance of a Python model, run by its own stub process.
//
// Lifecycle: Create starts the stub and calls the model's `initialize`; the
// destructor calls `finalize`, stops the stub and removes its shared memory.
// RunBatch (from the instance's execution thread) writes the inputs into the
// instance's input segment, sends `execute` and, for ordinary models, waits
// for the responses. Decoupled models answer later through the reader thread,
// which also serves the model's BLS calls, logs and control requests.
//
// If the stub dies (crash, os._exit) or passes the execute timeout, every
// request it holds fails with a message saying so, its segments are removed
// and a new stub is started for the next request.
#pragma once

#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "backends/backend.h"
#include "backends/python/python_settings.h"
#include "backends/python/shm_segment.h"
#include "backends/python/stub_metrics.h"
#include "backends/python/stub_process.h"

namespace inferd {

class PythonInstance : public ModelInstance {
 public:
  static Status Create(const PythonSettings& settings, const PythonServices* services, const ModelSpec& spec,
                       const InstanceSpec& instance, std::unique_ptr<PythonInstance>* out);
  ~PythonInstance() override;

  // Sends every request in one `execute` call, as Triton passes the batch to
  // execute(requests).
  void RunBatch(std::vector<ExecutionRequest> requests, ComputeTimestamps* times) override;
  // The stub does the work; any thread can ask it and wait for the answer.
  // Not while the stub is down: the next RunBatch restarts it and waits for
  // the model's initialize, which must not hold up a frontend thread.
  bool RunsOnAnyThread() const override { return stub_alive_.load(std::memory_order_relaxed); }
  // Asks the model's is_ready hook when it has one and the instance is idle.
  bool IsReady() override;

 private:
  PythonInstance(const PythonSettings& settings, const PythonServices* services, const ModelSpec& spec,
                 const InstanceSpec& instance);

  // Starts a stub and runs `initialize` in it.
  Status StartStub();
  // Stops the stub (after `finalize` when it is healthy) and its reader.
  void StopStub(bool finalize);
  // Sends a frame and waits for the reply of type `expected` (or "error").
  // A reply: its blob and its header, parsed once by the reader.
  struct Reply {
    Buffer blob;
    std::unique_ptr<rapidjson::Document> header;
  };
  Status Call(const std::string& header, const std::vector<Buffer>& blob, const std::string& expected,
              std::chrono::seconds timeout, Reply* reply);
  Status EnsureInputSegment(size_t bytes, bool* changed);
  // How long Call polls for the stub's reply before it sleeps.
  std::chrono::microseconds SpinForReply() const;

  void ReaderLoop(StubProcess* stub);
  // Keeps the reader thread off the socket while Calls come one after the
  // other (see the definition).
  void StandAsideWhileCalled();
  void Dispatch(Frame frame);
  void OnBls(const rapidjson::Value& header, const Buffer& blob);
  void OnControl(const rapidjson::Value& header);
  void OnMetric(const rapidjson::Value& header);
  void OnDecoupledResponse(const rapidjson::Value& header, const Buffer& blob);
  // Fails everything in flight after the stub is gone.
  void OnStubGone(const std::string& why);
  // Gives the stub up for `why`: fails everything in flight, removes its
  // segments; logged once.
  void Abandon(const std::string& why);

  const PythonSettings& settings_;
  const PythonServices* services_;
  std::string model_name_;
  int64_t version_;
  std::string model_dir_, version_dir_, model_path_;
  std::string instance_name_;
  std::string config_json_;
  bool decoupled_;
  std::string shm_prefix_;

  std::shared_ptr<StubProcess> stub_;  // shared with BLS callbacks still in flight
  std::unique_ptr<StubMetrics> metrics_;  // what the current stub created; one per stub
  std::thread reader_;
  std::unique_ptr<ShmSegment> input_segment_;
  int input_generation_ = 0;
  bool announce_segment_ = true;  // the next execute names the input segment
  uint64_t next_handle_ = 0;
  // Held by whoever talks to the stub (RunBatch, IsReady): one call at a time.
  std::mutex call_mutex_;
  bool has_is_ready_ = false;  // the model defines is_ready; set at each stub start
  static constexpr std::chrono::seconds kIsReadyTimeout{5};

  std::mutex mutex_;
  std::condition_variable replied_;
  std::string awaiting_;          // reply type Call waits for
  std::optional<Reply> reply_;    // its reply, once here
  // Who reads the socket right now: a Call reads the stub's messages itself
  // while it waits (no hand-over through the reader thread on the hot path);
  // otherwise the reader thread does.
  bool caller_reading_ = false;
  // The stub's last message came within kReplySpin of Call starting to wait
  // for it (Call's own thread only).
  static constexpr std::chrono::microseconds kReplySpin{100};
  bool replies_quick_ = true;
  bool reader_reading_ = false;
  // A Call found the socket closed and waits for the reader to abandon the stub.
  bool caller_saw_close_ = false;
  // Wakes a reader standing aside only for that: a Call's other notifications
  // go to replied_, so they do not wake it (nor make it contend for mutex_).
  std::condition_variable reader_resume_;
  // When the last Call ended; the reader thread stays off the socket until
  // kReaderPause after it.
  std::chrono::steady_clock::time_point last_call_end_{};
  static constexpr std::chrono::milliseconds kReaderPause{2};
  // Written with mutex_ held; atomic so that RunsOnAnyThread reads it without.
  std::atomic<bool> stub_alive_{false};
  std::string gone_reason_;
  std::map<uint64_t, ResponseSink> open_;  // decoupled requests by handle
};

}  // namespace inferd
