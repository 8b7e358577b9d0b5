// Buffer: a read-only view of bytes plus a reference that keeps them alive.
//
// The bytes may live in an HTTP body, in memory a backend allocated for its
// outputs, or in a plain heap block; whoever holds a Buffer keeps the owner
// alive, so tensors travel from the socket to the backend and back without
// being copied. Copying a Buffer copies the view, not the bytes.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace inferd {

class Buffer {
 public:
  Buffer() = default;
  Buffer(std::shared_ptr<const void> owner, const char* data, size_t size)
      : owner_(std::move(owner)), data_(data), size_(size) {}

  // A buffer that owns `bytes`.
  static Buffer FromString(std::string bytes);

  // A zero-filled heap buffer of `size` bytes; `writable` receives its start
  // so the creator can fill it before sharing it.
  static Buffer Allocate(size_t size, char** writable);

  const char* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // A view of [offset, offset + size) sharing this buffer's owner.
  Buffer Slice(size_t offset, size_t size) const { return {owner_, data_ + offset, size}; }

 private:
  std::shared_ptr<const void> owner_;
  const char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace inferd
