// The pytorch backend's forward threads: work runs on them, not on the
// caller; one thread runs one piece of work at a time; errors come back to
// the caller (built only when the backend is).
#ifdef INFERD_WITH_PYTORCH

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "backends/pytorch/forward_threads.h"
#include "core/usable_cores.h"

namespace inferd::pytorch {
namespace {

// Work that waits (at most 10 s) until `count` pieces of it have started:
// they all finish promptly only if they run at once.
std::function<void()> MeetingOf(int count, std::atomic<int>* arrived, std::atomic<int>* met) {
  return [count, arrived, met] {
    ++*arrived;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (arrived->load() < count && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
    if (arrived->load() >= count) ++*met;
  };
}

TEST(ForwardThreads, CountFitsTheCores) {
  const int cores = UsableCores();
  EXPECT_EQ(ForwardThreads::CountFor(1), cores);
  EXPECT_EQ(ForwardThreads::CountFor(2), std::max(1, cores / 2));
  EXPECT_EQ(ForwardThreads::CountFor(cores + 1), 1);
}

TEST(ForwardThreads, WorkRunsOnAThreadOfItsOwn) {
  ForwardThreads threads(1, 1);
  std::thread::id ran_on;
  threads.Run([&] { ran_on = std::this_thread::get_id(); });
  EXPECT_NE(ran_on, std::thread::id());
  EXPECT_NE(ran_on, std::this_thread::get_id());
  std::thread::id again;
  threads.Run([&] { again = std::this_thread::get_id(); });
  EXPECT_EQ(again, ran_on);
}

TEST(ForwardThreads, OneThreadRunsCallersInTurn) {
  ForwardThreads threads(1, 1);
  std::atomic<int> running{0}, most{0}, done{0};
  std::vector<std::thread> callers;
  for (int i = 0; i < 4; ++i) {
    callers.emplace_back([&] {
      threads.Run([&] {
        int now = ++running;
        most = std::max(most.load(), now);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        --running;
        ++done;
      });
    });
  }
  for (std::thread& caller : callers) caller.join();
  EXPECT_EQ(done.load(), 4);
  EXPECT_EQ(most.load(), 1);
}

TEST(ForwardThreads, TwoThreadsRunTwoCallersAtOnce) {
  ForwardThreads threads(2, 1);
  std::atomic<int> arrived{0}, met{0};
  auto meet = MeetingOf(2, &arrived, &met);
  std::thread other([&] { threads.Run(meet); });
  threads.Run(meet);
  other.join();
  EXPECT_EQ(met.load(), 2);
}

TEST(ForwardThreads, GrowAddsThreadsNeverRemovesThem) {
  ForwardThreads threads(1, 1);
  EXPECT_EQ(threads.size(), 1);
  threads.Grow(3);
  EXPECT_EQ(threads.size(), 3);
  threads.Grow(2);
  EXPECT_EQ(threads.size(), 3);
  std::atomic<int> arrived{0}, met{0};
  auto meet = MeetingOf(3, &arrived, &met);
  std::thread a([&] { threads.Run(meet); }), b([&] { threads.Run(meet); });
  threads.Run(meet);
  a.join();
  b.join();
  EXPECT_EQ(met.load(), 3);
}

TEST(ForwardThreads, AnExceptionReachesTheCaller) {
  ForwardThreads threads(1, 1);
  EXPECT_THROW(threads.Run([] { throw std::runtime_error("forward failed"); }), std::runtime_error);
  int value = 0;
  threads.Run([&] { value = 7; });  // the thread survives
  EXPECT_EQ(value, 7);
}

}  // namespace
}  // namespace inferd::pytorch

#endif  // INFERD_WITH_PYTORCH
