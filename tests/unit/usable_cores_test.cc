// UsableCores follows the process's CPU affinity, not the machine's size.
#include <gtest/gtest.h>
#include <sched.h>

#include "core/usable_cores.h"

namespace inferd {
namespace {

TEST(UsableCores, CountsTheAffinityMask) {
  cpu_set_t set;
  CPU_ZERO(&set);
  ASSERT_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
  EXPECT_EQ(UsableCores(), CPU_COUNT(&set));
}

TEST(UsableCores, PinnedToOneCoreCountsOne) {
  cpu_set_t saved;
  CPU_ZERO(&saved);
  ASSERT_EQ(sched_getaffinity(0, sizeof(saved), &saved), 0);
  int first = 0;
  while (!CPU_ISSET(first, &saved)) ++first;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  ASSERT_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
  const int counted = UsableCores();
  ASSERT_EQ(sched_setaffinity(0, sizeof(saved), &saved), 0);
  EXPECT_EQ(counted, 1);
}

}  // namespace
}  // namespace inferd
