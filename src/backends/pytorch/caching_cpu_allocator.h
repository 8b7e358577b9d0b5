// CachingCpuAllocator: libtorch's CPU allocator, keeping freed large blocks
// for the next forward instead of returning them to the system.
//
// Why: libtorch allocates every activation afresh and frees it after the
// layer. glibc serves blocks above its mmap threshold (32 MiB at most) with
// mmap, so each forward of a large batch maps and unmaps hundreds of MiB and
// takes a page fault per 4 KiB touched: a traced ResNet-50 at batch 16 took
// about 450 000 faults per call.
//
// Blocks of kMinCachedBytes and more are rounded up to a size class (at most
// 1/8 larger) so that nearby sizes share blocks, and go back to a free list
// of their class when released. The free lists hold at most `cap` bytes;
// beyond that a released block is freed. Smaller blocks are freed at once.
// Every block carries a small header naming its allocator and class, so
// release needs no lookup. Thread-safe.
#pragma once

#include <c10/core/Allocator.h>

#include <cstddef>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace inferd::pytorch {

class CachingCpuAllocator final : public c10::Allocator {
 public:
  static constexpr size_t kMinCachedBytes = 1 << 20;

  explicit CachingCpuAllocator(size_t cap) : cap_(cap) {}

  c10::DataPtr allocate(size_t bytes) const override;
  // libtorch's raw_allocate/raw_deallocate use this deleter too.
  c10::DeleterFnPtr raw_deleter() const override { return &Release; }

  // The size class a block of `bytes` (>= kMinCachedBytes) is allocated at.
  static size_t SizeClass(size_t bytes);

  // Bytes held in the free lists now.
  size_t cached_bytes() const;

  // Makes one process-wide instance libtorch's CPU allocator (once).
  static void Install();

 private:
  static void Release(void* data);
  // Takes back a block whose class is `size` (0: not cached).
  void Keep(void* base, size_t size) const;

  const size_t cap_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<size_t, std::vector<void*>> free_;  // block bases by class
  mutable size_t cached_ = 0;
};

}  // namespace inferd::pytorch
