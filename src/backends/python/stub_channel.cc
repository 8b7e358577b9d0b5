#include "backends/python/stub_channel.h"

#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstdint>

namespace inferd {
namespace {

// Frames above this are refused: a stub never needs more (large data goes via shm).
constexpr uint32_t kMaxFramePart = 1u << 30;
// A frame is published whole unless it is larger than the ring, so the rest of
// one that has begun is usually there already or close behind.
constexpr std::chrono::microseconds kRestOfFrameSpin{50};

Status StubGone() { return Status::Unavailable("the Python stub closed its connection"); }

}  // namespace

StubChannel::~StubChannel() {
  ring_.reset();
  if (fd_ >= 0) close(fd_);
}

void StubChannel::Shutdown() {
  shutdown(fd_, SHUT_RDWR);
  ring_->Close();
}

Status StubChannel::Send(std::string_view header, const std::vector<Buffer>& blob_pieces) {
  size_t blob_size = 0;
  for (const auto& piece : blob_pieces) blob_size += piece.size();
  uint32_t lengths[2] = {static_cast<uint32_t>(header.size()), static_cast<uint32_t>(blob_size)};
  std::vector<iovec> pieces;
  pieces.reserve(2 + blob_pieces.size());
  pieces.push_back({lengths, sizeof(lengths)});
  pieces.push_back({const_cast<char*>(header.data()), header.size()});
  for (const auto& piece : blob_pieces) {
    if (piece.size()) pieces.push_back({const_cast<char*>(piece.data()), piece.size()});
  }
  std::lock_guard<std::mutex> lock(send_mutex_);
  if (!ring_->Write(pieces.data(), pieces.size())) {
    return Status::Unavailable("writing to the Python stub failed: it closed its connection");
  }
  return Status::Ok();
}

bool StubChannel::WaitReadable(int timeout_ms, std::chrono::microseconds spin) {
  return ring_->Wait(timeout_ms, spin);
}

void StubChannel::HandOver() {
  if (ring_->Available() > 0) ring_->WakeReaders();
}

Status StubChannel::Receive(Frame* frame) {
  uint32_t lengths[2];
  if (!ring_->ReadExactly(reinterpret_cast<char*>(lengths), sizeof(lengths), kRestOfFrameSpin)) return StubGone();
  if (lengths[0] > kMaxFramePart || lengths[1] > kMaxFramePart) {
    return Status::Internal("the Python stub sent a frame of " + std::to_string(lengths[0]) + " + " +
                            std::to_string(lengths[1]) + " bytes, larger than allowed");
  }
  frame->header.resize(lengths[0]);
  std::string blob(lengths[1], '\0');
  if (!ring_->ReadExactly(frame->header.data(), lengths[0], kRestOfFrameSpin) ||
      !ring_->ReadExactly(blob.data(), lengths[1], kRestOfFrameSpin)) {
    return StubGone();
  }
  frame->blob = Buffer::FromString(std::move(blob));
  return Status::Ok();
}

}  // namespace inferd
