#include "core/buffer.h"

namespace inferd {

Buffer Buffer::FromString(std::string bytes) {
  auto owner = std::make_shared<std::string>(std::move(bytes));
  const char* data = owner->data();
  size_t size = owner->size();
  return Buffer(std::move(owner), data, size);
}

Buffer Buffer::Allocate(size_t size, char** writable) {
  // make_shared<char[]> value-initialises, so the block starts zeroed.
  std::shared_ptr<char[]> owner = std::make_shared<char[]>(size ? size : 1);
  *writable = owner.get();
  const char* data = owner.get();
  return Buffer(std::shared_ptr<const void>(owner, data), data, size);
}

}  // namespace inferd
