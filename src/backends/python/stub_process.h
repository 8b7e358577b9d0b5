// StubProcess: one running Python stub (src/python_stub/), connected by a
// StubChannel: a ShmRing for the messages and a socket pair that tells each
// side when the other is gone. The stub exits when the socket closes, so a
// server that dies leaves no stubs behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>

#include "backends/python/stub_channel.h"
#include "core/status.h"

namespace inferd {

struct StubLaunch {
  std::string stub_path;   // the inferd_python_stub executable
  std::string python_dir;  // folder of inferd_stub.py and triton_python_backend_utils.py
  std::string shm_prefix;  // names of the segments this stub creates (without '/')
};

// Kills every stub still running, at once (the server exits without
// unloading its models).
void KillAllStubs();

class StubProcess {
 public:
  static Status Start(const StubLaunch& launch, std::unique_ptr<StubProcess>* out);
  ~StubProcess();

  StubChannel& channel() { return *channel_; }
  pid_t pid() const { return pid_; }

  // Waits up to `grace` for the stub to exit by itself, then kills it.
  void Stop(std::chrono::milliseconds grace);
  // Kills the stub at once (hung or misbehaving).
  void Kill();
  // "exit code 3", "signal 11 (Segmentation fault)"; reaps the child. Waits
  // up to one second for it to end.
  std::string ExitDescription();

 private:
  StubProcess(pid_t pid, std::unique_ptr<StubChannel> channel) : pid_(pid), channel_(std::move(channel)) {}
  bool Reap(std::chrono::milliseconds wait);

  pid_t pid_;
  std::unique_ptr<StubChannel> channel_;
  bool reaped_ = false;
  int wait_status_ = 0;
};

}  // namespace inferd
