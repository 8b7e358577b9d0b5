#include "backends/pytorch/caching_cpu_allocator.h"

#include <c10/core/CPUAllocator.h>

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <new>

namespace inferd::pytorch {
namespace {

// The header sits in the first kAlignment bytes of a block; the tensor's
// data follows, aligned as libtorch's own allocator aligns it.
constexpr size_t kAlignment = 64;
constexpr size_t kCap = size_t{2} << 30;  // free blocks kept, at most

struct BlockHeader {
  const CachingCpuAllocator* owner;
  size_t size;  // class size; 0 for a block that is not cached
};
static_assert(sizeof(BlockHeader) <= kAlignment);

BlockHeader* HeaderOf(void* data) { return reinterpret_cast<BlockHeader*>(static_cast<char*>(data) - kAlignment); }

void* NewBlock(size_t bytes) {
  size_t total = (bytes + 2 * kAlignment - 1) / kAlignment * kAlignment;  // room for the header
  void* base = std::aligned_alloc(kAlignment, total);
  if (base == nullptr) throw std::bad_alloc();
  return base;
}

}  // namespace

size_t CachingCpuAllocator::SizeClass(size_t bytes) {
  size_t step = std::max<size_t>(std::bit_floor(bytes) / 8, 64 * 1024);
  return (bytes + step - 1) / step * step;
}

c10::DataPtr CachingCpuAllocator::allocate(size_t bytes) const {
  const size_t size = bytes < kMinCachedBytes ? 0 : SizeClass(bytes);
  void* base = nullptr;
  if (size > 0) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = free_.find(size);
    if (it != free_.end() && !it->second.empty()) {
      base = it->second.back();
      it->second.pop_back();
      cached_ -= size;
    }
  }
  if (base == nullptr) base = NewBlock(size > 0 ? size : bytes);
  *static_cast<BlockHeader*>(base) = {this, size};
  void* data = static_cast<char*>(base) + kAlignment;
  return {data, data, &CachingCpuAllocator::Release, c10::Device(c10::DeviceType::CPU)};
}

void CachingCpuAllocator::Release(void* data) {
  if (data == nullptr) return;
  BlockHeader* header = HeaderOf(data);
  header->owner->Keep(header, header->size);
}

void CachingCpuAllocator::Keep(void* base, size_t size) const {
  if (size > 0) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cached_ + size <= cap_) {
      free_[size].push_back(base);
      cached_ += size;
      return;
    }
  }
  std::free(base);
}

size_t CachingCpuAllocator::cached_bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return cached_;
}

void CachingCpuAllocator::Install() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Never destroyed: tensors may be released during static destruction.
    static auto* instance = new CachingCpuAllocator(kCap);
    c10::SetCPUAllocator(instance, /*priority=*/1);
  });
}

}  // namespace inferd::pytorch
