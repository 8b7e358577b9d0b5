// StubChannel: the framed message stream to one Python stub over a Unix
// socket (see src/python_stub/PROTOCOL.md): a JSON header plus a blob of
// inline tensor bytes per frame.
//
// Send is thread-safe (frames never interleave). Receive is meant for one
// reader thread.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/buffer.h"
#include "core/status.h"

namespace inferd {

struct Frame {
  std::string header;  // JSON text
  Buffer blob;         // inline tensor bytes
};

class StubChannel {
 public:
  explicit StubChannel(int fd) : fd_(fd) {}
  ~StubChannel();

  // Sends a header and the blob pieces, concatenated, as one frame.
  Status Send(std::string_view header, const std::vector<Buffer>& blob_pieces = {});
  // Blocks for the next frame; fails when the peer closed the socket.
  Status Receive(Frame* frame);
  // Waits up to `timeout_ms` (-1: forever) until a frame starts to arrive or
  // the socket closes; false on timeout. For the first `spin` it polls
  // without sleeping (yielding the core), which spares a thread wake-up when
  // the stub answers quickly.
  bool WaitReadable(int timeout_ms, std::chrono::microseconds spin = {});
  // Closes the socket, waking a blocked Receive.
  void Shutdown();

 private:
  int fd_;
  std::mutex send_mutex_;
};

}  // namespace inferd
