#include "frontend/busy_polling.h"

#include <gtest/gtest.h>

namespace inferd {
namespace {

using std::chrono::microseconds;

// A poll function that finds work the first `work` times and then none,
// counting how often it was called.
struct FakeSource {
  int work = 0;
  int polls = 0;

  bool Poll() {
    ++polls;
    if (work == 0) return false;
    --work;
    return true;
  }
};

// How many times one AfterWork polled.
int PollsOf(BusyPoller& poller, FakeSource& source) {
  int before = source.polls;
  poller.AfterWork();
  return source.polls - before;
}

TEST(BusyPolling, ZeroWindowNeverPolls) {
  BusyPolling shared;
  FakeSource source;
  BusyPoller poller(&shared, microseconds(0), [&] { return source.Poll(); });
  for (int i = 0; i < 5; ++i) EXPECT_EQ(PollsOf(poller, source), 0);
}

TEST(BusyPolling, PollsUntilAWindowPassesWithoutWork) {
  BusyPolling shared;
  FakeSource source{.work = 3};
  BusyPoller poller(&shared, microseconds(200), [&] { return source.Poll(); });
  EXPECT_GT(PollsOf(poller, source), 3);
  EXPECT_EQ(source.work, 0);
}

TEST(BusyPolling, NoPollingWhileARequestIsBeingAnswered) {
  BusyPolling shared;
  FakeSource source{.work = 1};
  BusyPoller poller(&shared, microseconds(200), [&] { return source.Poll(); });
  shared.RequestTaken();
  EXPECT_EQ(PollsOf(poller, source), 0);
  shared.RequestAnswered();
  EXPECT_GT(PollsOf(poller, source), 0);
}

TEST(BusyPolling, OnePollerAtATime) {
  BusyPolling shared;
  FakeSource source{.work = 1};
  BusyPoller poller(&shared, microseconds(200), [&] { return source.Poll(); });
  ASSERT_TRUE(shared.TryStartPolling());  // another thread polls
  EXPECT_EQ(PollsOf(poller, source), 0);
  shared.StopPolling();
  EXPECT_GT(PollsOf(poller, source), 0);
}

TEST(BusyPolling, MissesSkipMoreChancesEachTime) {
  BusyPolling shared;
  FakeSource source;
  BusyPoller poller(&shared, microseconds(50), [&] { return source.Poll(); });
  // Each miss skips 1, 3, 7, ... chances before polling again.
  for (int skipped : {1, 3, 7, 15}) {
    EXPECT_GT(PollsOf(poller, source), 0);
    for (int i = 0; i < skipped; ++i) EXPECT_EQ(PollsOf(poller, source), 0) << "skip " << i << " of " << skipped;
  }
  // Finding work resets the backoff: the next miss skips one chance again.
  EXPECT_GT(PollsOf(poller, source), 0);
  for (int i = 0; i < 31; ++i) EXPECT_EQ(PollsOf(poller, source), 0);
  source.work = 1;
  EXPECT_GT(PollsOf(poller, source), 1);  // found the work, polled on until the window passed
  EXPECT_GT(PollsOf(poller, source), 0);  // a miss
  EXPECT_EQ(PollsOf(poller, source), 0);
  EXPECT_GT(PollsOf(poller, source), 0);
}

}  // namespace
}  // namespace inferd
