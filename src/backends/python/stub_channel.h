// StubChannel: the framed message stream to one Python stub (see
// src/python_stub/PROTOCOL.md): a JSON header plus a blob of inline tensor
// bytes per frame. Frames travel through a ShmRing; the socket pair only
// tells each side when the other is gone.
//
// Send is thread-safe (frames never interleave). Receive is meant for one
// reader thread at a time.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "backends/python/shm_ring.h"
#include "core/buffer.h"
#include "core/status.h"

namespace inferd {

struct Frame {
  std::string header;  // JSON text
  Buffer blob;         // inline tensor bytes
};

class StubChannel {
 public:
  // Owns `socket_fd` and `ring`.
  StubChannel(int socket_fd, std::unique_ptr<ShmRing> ring) : fd_(socket_fd), ring_(std::move(ring)) {}
  ~StubChannel();

  // Sends a header and the blob pieces, concatenated, as one frame.
  Status Send(std::string_view header, const std::vector<Buffer>& blob_pieces = {});
  // Blocks for the next frame; fails when the stub is gone.
  Status Receive(Frame* frame);
  // Waits up to `timeout_ms` (-1: forever) until a frame starts to arrive or
  // the stub is gone; false on timeout. For the first `spin` it checks
  // without sleeping (yielding the core), which spares a thread wake-up when
  // the stub answers quickly.
  bool WaitReadable(int timeout_ms, std::chrono::microseconds spin = {});
  // A reader that stops reading with frames still waiting calls this, so that
  // another thread asleep in WaitReadable takes them.
  void HandOver();
  // Closes the connection: the stub sees the socket hang up and exits, and
  // this side's waits return.
  void Shutdown();

 private:
  int fd_;
  std::unique_ptr<ShmRing> ring_;
  std::mutex send_mutex_;
};

}  // namespace inferd
