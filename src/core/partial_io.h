// Resuming a readv/writev/sendmsg over an array of iovec after the kernel
// handled only part of it.
#pragma once

#include <sys/uio.h>

#include <algorithm>
#include <cstddef>

namespace inferd {

// Moves pieces[first..count) past `bytes` handled bytes: pieces fully handled
// (and empty ones) are passed over, one handled in part is trimmed to its
// rest. Returns the index of the first piece with bytes left, or `count`.
inline size_t SkipHandled(iovec* pieces, size_t count, size_t first, size_t bytes) {
  for (; first < count; ++first) {
    iovec& piece = pieces[first];
    const size_t step = std::min(bytes, piece.iov_len);
    piece.iov_base = static_cast<char*>(piece.iov_base) + step;
    piece.iov_len -= step;
    bytes -= step;
    if (piece.iov_len > 0) break;
  }
  return first;
}

}  // namespace inferd
