// The caching CPU allocator of the pytorch backend: size classes, reuse of
// released blocks, the cap on what it keeps, small blocks left to libtorch.
#ifdef INFERD_WITH_PYTORCH

#include <gtest/gtest.h>

#include <cstring>

#include "backends/pytorch/caching_cpu_allocator.h"

namespace inferd::pytorch {
namespace {

constexpr size_t kMiB = 1 << 20;

TEST(CachingCpuAllocator, SizeClassesAreAtMostAnEighthLarger) {
  for (size_t bytes : {kMiB, kMiB + 1, 3 * kMiB + 12345, 51 * kMiB + 7, 200 * kMiB}) {
    size_t size = CachingCpuAllocator::SizeClass(bytes);
    EXPECT_GE(size, bytes);
    EXPECT_LE(size, bytes + bytes / 8) << bytes;
  }
  EXPECT_EQ(CachingCpuAllocator::SizeClass(kMiB), kMiB);
  // Nearby sizes share a class.
  EXPECT_EQ(CachingCpuAllocator::SizeClass(50 * kMiB), CachingCpuAllocator::SizeClass(50 * kMiB + 1000));
}

TEST(CachingCpuAllocator, ReleasedBlockIsReusedForItsClass) {
  CachingCpuAllocator allocator(64 * kMiB);
  void* first = nullptr;
  {
    c10::DataPtr block = allocator.allocate(5 * kMiB);
    first = block.get();
    std::memset(first, 1, 5 * kMiB);  // the whole block is usable
    EXPECT_EQ(allocator.cached_bytes(), 0u);
  }
  EXPECT_EQ(allocator.cached_bytes(), CachingCpuAllocator::SizeClass(5 * kMiB));
  c10::DataPtr again = allocator.allocate(5 * kMiB - 100);  // the same class
  EXPECT_EQ(again.get(), first);
  EXPECT_EQ(allocator.cached_bytes(), 0u);
}

TEST(CachingCpuAllocator, KeepsNoMoreThanItsCap) {
  CachingCpuAllocator allocator(3 * kMiB);
  {
    c10::DataPtr a = allocator.allocate(2 * kMiB);
    c10::DataPtr b = allocator.allocate(2 * kMiB);
  }
  EXPECT_EQ(allocator.cached_bytes(), 2 * kMiB);  // the second would pass the cap: freed
}

TEST(CachingCpuAllocator, SmallBlocksAreNotCached) {
  CachingCpuAllocator allocator(64 * kMiB);
  { c10::DataPtr small = allocator.allocate(4096); }
  EXPECT_EQ(allocator.cached_bytes(), 0u);
}

}  // namespace
}  // namespace inferd::pytorch

#endif  // INFERD_WITH_PYTORCH
