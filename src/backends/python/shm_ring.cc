#include "backends/python/shm_ring.h"

#include <poll.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

namespace inferd {
namespace {

constexpr uint64_t kMagic = 0x676e6972'64666e69;  // "infdring", little-endian
constexpr size_t kDataOffset = 4096;               // the control blocks fit in the first page
constexpr int kChecksPerYield = 64;                // while spinning, between two sched_yield calls
constexpr std::chrono::microseconds kRoomSpin{50};  // a full ring: spin this long, then sleep in steps
constexpr useconds_t kRoomSleepUs = 50;

// The start of the shared memory.
struct SharedHeader {
  uint64_t magic;
  uint64_t capacity;  // bytes of each direction's data
};

// One direction's positions. Head and tail live on separate cache lines: the
// writer stores one, the reader the other.
struct RingControl {
  alignas(64) std::atomic<uint64_t> head;  // bytes ever written
  alignas(64) std::atomic<uint64_t> tail;  // bytes ever read
  std::atomic<uint32_t> sleepers;          // readers asleep on the eventfd, or about to be
};

constexpr size_t kToStubOffset = 64;
constexpr size_t kToServerOffset = kToStubOffset + sizeof(RingControl);
static_assert(kToServerOffset + sizeof(RingControl) <= kDataOffset, "control blocks must fit before the data");
static_assert(std::atomic<uint64_t>::is_always_lock_free, "shared atomics must be lock-free");

void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

void CloseIfOpen(int fd) {
  if (fd >= 0) close(fd);
}

}  // namespace

struct ShmRing::Direction {
  RingControl* control;
  char* data;
  int wake_fd;  // the reader sleeps on it; the writer signals it
};

ShmRing::ShmRing(int socket_fd, const RingFds& fds, bool server) : socket_fd_(socket_fd), fds_(fds), server_(server) {}

ShmRing::~ShmRing() {
  if (memory_) munmap(memory_, memory_size_);
  CloseIfOpen(fds_.memory);
  CloseIfOpen(fds_.to_stub_wake);
  CloseIfOpen(fds_.to_server_wake);
}

std::unique_ptr<ShmRing> ShmRing::Create(size_t capacity, int socket_fd, std::string* error) {
  RingFds fds;
  fds.memory = memfd_create("inferd-python-ring", MFD_CLOEXEC);
  fds.to_stub_wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  fds.to_server_wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  std::unique_ptr<ShmRing> ring(new ShmRing(socket_fd, fds, true));
  if (fds.memory < 0 || fds.to_stub_wake < 0 || fds.to_server_wake < 0) {
    *error = std::string("unable to create the shared memory of a Python stub: ") + std::strerror(errno);
    return nullptr;
  }
  if (ftruncate(fds.memory, static_cast<off_t>(kDataOffset + 2 * capacity)) != 0) {
    *error = std::string("unable to size the shared memory of a Python stub: ") + std::strerror(errno);
    return nullptr;
  }
  if (!ring->Map(error)) return nullptr;
  auto* header = static_cast<SharedHeader*>(ring->memory_);
  header->capacity = capacity;
  header->magic = kMagic;
  ring->capacity_ = capacity;
  return ring;
}

std::unique_ptr<ShmRing> ShmRing::Attach(const RingFds& fds, int socket_fd, std::string* error) {
  std::unique_ptr<ShmRing> ring(new ShmRing(socket_fd, fds, false));
  if (!ring->Map(error)) return nullptr;
  const auto* header = static_cast<const SharedHeader*>(ring->memory_);
  if (header->magic != kMagic || header->capacity == 0 ||
      kDataOffset + 2 * header->capacity > ring->memory_size_) {
    *error = "the shared memory given to the Python stub is not a ring";
    return nullptr;
  }
  ring->capacity_ = header->capacity;
  return ring;
}

bool ShmRing::Map(std::string* error) {
  struct stat info;
  if (fstat(fds_.memory, &info) != 0 || static_cast<size_t>(info.st_size) < kDataOffset) {
    *error = "the shared memory of the Python stub is missing or too small";
    return false;
  }
  memory_size_ = static_cast<size_t>(info.st_size);
  void* memory = mmap(nullptr, memory_size_, PROT_READ | PROT_WRITE, MAP_SHARED, fds_.memory, 0);
  if (memory == MAP_FAILED) {
    *error = std::string("unable to map the shared memory of a Python stub: ") + std::strerror(errno);
    return false;
  }
  memory_ = memory;
  char* base = static_cast<char*>(memory);
  const size_t capacity = (memory_size_ - kDataOffset) / 2;
  // The server constructs the control blocks (Create); the stub uses them as
  // they are, since constructing would zero what the server already wrote.
  auto control_at = [&](size_t offset) {
    return server_ ? new (base + offset) RingControl : reinterpret_cast<RingControl*>(base + offset);
  };
  RingControl* to_stub = control_at(kToStubOffset);
  RingControl* to_server = control_at(kToServerOffset);
  auto to_stub_direction = std::make_unique<Direction>(Direction{to_stub, base + kDataOffset, fds_.to_stub_wake});
  auto to_server_direction =
      std::make_unique<Direction>(Direction{to_server, base + kDataOffset + capacity, fds_.to_server_wake});
  in_ = server_ ? std::move(to_server_direction) : std::move(to_stub_direction);
  out_ = server_ ? std::move(to_stub_direction) : std::move(to_server_direction);
  return true;
}

bool ShmRing::PeerGone() const {
  // Nothing travels on the socket: readable means end of stream.
  pollfd socket{socket_fd_, POLLIN, 0};
  return poll(&socket, 1, 0) != 0;
}

size_t ShmRing::Available() const {
  const uint64_t head = in_->control->head.load(std::memory_order_acquire);
  const uint64_t tail = in_->control->tail.load(std::memory_order_relaxed);
  // More than the ring holds: the peer wrote nonsense; offer nothing.
  return head - tail <= capacity_ ? static_cast<size_t>(head - tail) : 0;
}

bool ShmRing::Garbled() const {
  const RingControl* control = in_->control;
  return control->head.load(std::memory_order_acquire) - control->tail.load(std::memory_order_relaxed) > capacity_;
}

bool ShmRing::Wait(int timeout_ms, std::chrono::microseconds spin) {
  // A garbled ring ends the connection as a peer that left would.
  if (Available() > 0 || closed_.load() || Garbled()) return true;
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  if (spin.count() > 0) {
    do {
      for (int i = 0; i < kChecksPerYield; ++i) {
        if (Available() > 0) return true;
        CpuRelax();
      }
      sched_yield();
    } while (Clock::now() - start < spin);
  }
  const Clock::time_point deadline = start + std::chrono::milliseconds(timeout_ms);
  std::atomic<uint32_t>& sleepers = in_->control->sleepers;
  for (;;) {
    int wait_ms = -1;
    if (timeout_ms >= 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      wait_ms = static_cast<int>(std::max<long long>(0, left));
    }
    // Announce the sleep before the last look: a writer that publishes after
    // this look sees the announcement and signals (both are sequentially
    // consistent).
    sleepers.fetch_add(1);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (Available() > 0 || closed_.load() || Garbled()) {
      sleepers.fetch_sub(1);
      return true;
    }
    pollfd fds[2] = {{in_->wake_fd, POLLIN, 0}, {socket_fd_, POLLIN, 0}};
    int ready = poll(fds, 2, wait_ms);
    sleepers.fetch_sub(1);
    if (ready < 0 && errno != EINTR) return true;  // the read that follows reports it
    if (ready > 0 && fds[0].revents) {
      uint64_t count;
      (void)!read(in_->wake_fd, &count, sizeof(count));
      // The signal may have been meant for another sleeper of this process
      // (the one that will read): pass it on while there is something to read.
      if (Available() > 0 && sleepers.load() > 0) WakeReaders();
    }
    if ((ready > 0 && fds[1].revents) || Available() > 0 || closed_.load()) return true;
    if (wait_ms == 0) return false;
  }
}

size_t ShmRing::ReadSome(char* out, size_t size, std::chrono::microseconds spin) {
  size_t available = Available();
  if (available == 0) {
    Wait(-1, spin);
    available = Available();
    if (available == 0) return 0;  // the peer is gone, or the ring was closed
  }
  RingControl* control = in_->control;
  const uint64_t tail = control->tail.load(std::memory_order_relaxed);
  const size_t count = std::min(available, size);
  const size_t at = static_cast<size_t>(tail % capacity_);
  const size_t first = std::min(count, capacity_ - at);
  std::memcpy(out, in_->data + at, first);
  std::memcpy(out + first, in_->data, count - first);
  control->tail.store(tail + count, std::memory_order_release);
  return count;
}

bool ShmRing::ReadExactly(char* out, size_t size, std::chrono::microseconds spin) {
  while (size > 0) {
    size_t count = ReadSome(out, size, spin);
    if (count == 0) return false;
    out += count;
    size -= count;
  }
  return true;
}

size_t ShmRing::Room() const {
  const RingControl* control = out_->control;
  const uint64_t used = control->head.load(std::memory_order_relaxed) - control->tail.load(std::memory_order_acquire);
  return used < capacity_ ? static_cast<size_t>(capacity_ - used) : 0;
}

bool ShmRing::WaitForRoom() {
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    if (Room() > 0) return true;
    if (closed_.load() || PeerGone()) return false;
    if (std::chrono::steady_clock::now() - start < kRoomSpin) {
      sched_yield();
    } else {
      usleep(kRoomSleepUs);
    }
  }
}

bool ShmRing::Write(const iovec* pieces, size_t count) {
  if (closed_.load()) return false;
  RingControl* control = out_->control;
  uint64_t head = control->head.load(std::memory_order_relaxed);
  auto publish = [&] {
    control->head.store(head);
    if (control->sleepers.load() > 0) {
      const uint64_t one = 1;
      (void)!write(out_->wake_fd, &one, sizeof(one));
    }
  };
  for (size_t i = 0; i < count; ++i) {
    const char* from = static_cast<const char*>(pieces[i].iov_base);
    size_t left = pieces[i].iov_len;
    while (left > 0) {
      const uint64_t used = head - control->tail.load(std::memory_order_acquire);
      if (used >= capacity_) {
        publish();  // the reader may be asleep, waiting for these very bytes
        if (!WaitForRoom()) return false;
        continue;
      }
      const size_t chunk = std::min<size_t>(capacity_ - used, left);
      const size_t at = static_cast<size_t>(head % capacity_);
      const size_t first = std::min(chunk, capacity_ - at);
      std::memcpy(out_->data + at, from, first);
      std::memcpy(out_->data, from + first, chunk - first);
      head += chunk;
      from += chunk;
      left -= chunk;
    }
  }
  publish();
  return true;
}

void ShmRing::WakeReaders() {
  const uint64_t one = 1;
  (void)!write(in_->wake_fd, &one, sizeof(one));
}

void ShmRing::Close() {
  closed_.store(true);
  WakeReaders();
}

}  // namespace inferd
