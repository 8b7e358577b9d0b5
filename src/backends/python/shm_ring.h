// ShmRing: the two byte streams between the server and one Python stub, as
// ring buffers in memory both processes map.
//
// Each direction has one writer and one reader at a time. The writer copies
// bytes in and advances `head`; the reader copies them out and advances
// `tail`. A reader that finds its ring empty spins for a moment, then sleeps in
// poll() on the direction's eventfd, which the writer signals only when a
// reader sleeps, and on the socket pair between the processes, whose hang-up
// says that the peer is gone (nothing else travels on the socket).
//
// Against sending every message over the socket this spares each message
// the system calls on both sides and, while both sides are awake, the
// kernel's wake-up path: a message lands in the other process within a
// microsecond.
//
// Compiled into both the server and the stub executable, so it uses the
// standard library and POSIX only.
#pragma once

#include <sys/uio.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace inferd {

// The descriptors of one connection besides its socket: the shared memory
// (a memfd), and one eventfd per direction, signalled by that direction's
// writer for its reader.
struct RingFds {
  int memory = -1;
  int to_stub_wake = -1;
  int to_server_wake = -1;
};

class ShmRing {
 public:
  static constexpr size_t kDefaultCapacity = 256 * 1024;  // per direction

  // The server's end: creates the memory and the eventfds (close-on-exec; the
  // caller hands them to the stub). nullptr and `error` on failure.
  static std::unique_ptr<ShmRing> Create(size_t capacity, int socket_fd, std::string* error);
  // The stub's end, over what the server created. Takes ownership of `fds`.
  static std::unique_ptr<ShmRing> Attach(const RingFds& fds, int socket_fd, std::string* error);
  ~ShmRing();
  ShmRing(const ShmRing&) = delete;
  ShmRing& operator=(const ShmRing&) = delete;

  const RingFds& fds() const { return fds_; }

  // Writing; callers keep writes from overlapping.
  // Bytes that can be written now without waiting.
  size_t Room() const;
  // Copies the pieces into the outgoing ring, waiting for room while it is
  // full (a message larger than the ring streams through it). False when the
  // peer is gone or the ring was closed.
  bool Write(const iovec* pieces, size_t count);

  // Reading; one thread at a time reads, though any may wait.
  // Bytes that can be read now.
  size_t Available() const;
  // Waits until bytes arrive, the peer is gone (or has garbled the ring) or
  // `timeout_ms` passes (-1: no limit); false on timeout. For the first `spin` it checks without
  // sleeping, yielding the core now and then.
  bool Wait(int timeout_ms, std::chrono::microseconds spin);
  // Fills `out` with the next `size` bytes, waiting as Wait does; false when
  // the peer is gone first.
  bool ReadExactly(char* out, size_t size, std::chrono::microseconds spin);
  // Copies up to `size` bytes, waiting for the first as Wait does; 0 when the
  // peer is gone or has garbled the ring.
  size_t ReadSome(char* out, size_t size, std::chrono::microseconds spin);
  // Wakes the threads of this process asleep in Wait, so that one of them
  // looks at the ring again (the reader that took the last signal may have
  // left bytes behind for another).
  void WakeReaders();
  // Makes every Wait return and every later Write fail.
  void Close();

 private:
  struct Direction;
  ShmRing(int socket_fd, const RingFds& fds, bool server);
  bool Map(std::string* error);
  bool PeerGone() const;
  // The incoming positions say more is waiting than the ring holds.
  bool Garbled() const;
  bool WaitForRoom();

  const int socket_fd_;
  RingFds fds_;
  const bool server_;
  void* memory_ = nullptr;
  size_t memory_size_ = 0;
  size_t capacity_ = 0;
  std::unique_ptr<Direction> in_;
  std::unique_ptr<Direction> out_;
  std::atomic<bool> closed_{false};
};

}  // namespace inferd
