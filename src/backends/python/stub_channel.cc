#include "backends/python/stub_channel.h"

#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <algorithm>
#include <climits>
#include <cstring>

#include "core/partial_io.h"

namespace inferd {
namespace {

// Frames above this are refused: a stub never needs more (large data goes via shm).
constexpr uint32_t kMaxFramePart = 1u << 30;

// Fills the pieces in order from the socket, reading into all of them at once.
Status ReadExactly(int fd, iovec* pieces, size_t count) {
  for (size_t first = SkipHandled(pieces, count, 0, 0); first < count;) {
    ssize_t n = readv(fd, pieces + first, static_cast<int>(count - first));
    if (n == 0) return Status::Unavailable("the Python stub closed its connection");
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::Unavailable(std::string("reading from the Python stub failed: ") + std::strerror(errno));
    }
    first = SkipHandled(pieces, count, first, static_cast<size_t>(n));
  }
  return Status::Ok();
}

}  // namespace

StubChannel::~StubChannel() {
  if (fd_ >= 0) close(fd_);
}

void StubChannel::Shutdown() { shutdown(fd_, SHUT_RDWR); }

Status StubChannel::Send(std::string_view header, const std::vector<Buffer>& blob_pieces) {
  size_t blob_size = 0;
  for (const auto& piece : blob_pieces) blob_size += piece.size();
  uint32_t lengths[2] = {static_cast<uint32_t>(header.size()), static_cast<uint32_t>(blob_size)};
  std::vector<iovec> pieces;
  pieces.push_back({lengths, sizeof(lengths)});
  pieces.push_back({const_cast<char*>(header.data()), header.size()});
  for (const auto& piece : blob_pieces) {
    if (piece.size()) pieces.push_back({const_cast<char*>(piece.data()), piece.size()});
  }
  std::lock_guard<std::mutex> lock(send_mutex_);
  size_t index = 0;
  while (index < pieces.size()) {
    msghdr message{};
    message.msg_iov = pieces.data() + index;
    message.msg_iovlen = std::min<size_t>(pieces.size() - index, IOV_MAX);
    ssize_t sent = sendmsg(fd_, &message, MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      return Status::Unavailable(std::string("writing to the Python stub failed: ") + std::strerror(errno));
    }
    index = SkipHandled(pieces.data(), pieces.size(), index, static_cast<size_t>(sent));
  }
  return Status::Ok();
}

bool StubChannel::WaitReadable(int timeout_ms, std::chrono::microseconds spin) {
  pollfd wait{fd_, POLLIN, 0};
  if (spin.count() > 0) {
    const auto until = std::chrono::steady_clock::now() + spin;
    do {
      if (poll(&wait, 1, 0) != 0) return true;
      sched_yield();
    } while (std::chrono::steady_clock::now() < until);
  }
  for (;;) {
    int ready = poll(&wait, 1, timeout_ms);
    if (ready < 0 && errno == EINTR) continue;
    return ready != 0;  // readable, closed or failed: the next Receive tells which
  }
}

Status StubChannel::Receive(Frame* frame) {
  // Two reads per frame: its lengths, then header and blob together. Reading
  // no further than the frame keeps the next one in the socket, where the
  // poll of whichever thread reads next will see it.
  uint32_t lengths[2];
  iovec prefix{lengths, sizeof(lengths)};
  INFERD_RETURN_IF_ERROR(ReadExactly(fd_, &prefix, 1));
  if (lengths[0] > kMaxFramePart || lengths[1] > kMaxFramePart) {
    return Status::Internal("the Python stub sent a frame of " + std::to_string(lengths[0]) + " + " +
                            std::to_string(lengths[1]) + " bytes, larger than allowed");
  }
  frame->header.resize(lengths[0]);
  std::string blob(lengths[1], '\0');
  iovec rest[2] = {{frame->header.data(), lengths[0]}, {blob.data(), lengths[1]}};
  INFERD_RETURN_IF_ERROR(ReadExactly(fd_, rest, 2));
  frame->blob = Buffer::FromString(std::move(blob));
  return Status::Ok();
}

}  // namespace inferd
