// Busy polling: a frontend thread that has just done some work polls for the
// next piece for a short while instead of going to sleep at once.
//
// Why: a thread that sleeps (in epoll_wait, or in a gRPC completion queue) and
// is woken by the next request costs a wake-up of tens of microseconds on
// virtual machines, where an idle vCPU halts: half of a small model's round
// trip at concurrency 1. Polling is bounded so that it only runs while it pays:
//  - one thread of the server polls at a time, whichever frontend it serves;
//  - only while no request is being answered anywhere in the server (under
//    load the cores are better used by the threads doing that work);
//  - a poll that found nothing makes its thread skip its next chances to poll,
//    more of them after each miss, so requests arriving on other threads'
//    connections do not keep it spinning for nothing.
// The thread yields the core on every empty poll.
//
// BusyPolling is the state the frontends share; BusyPoller is one thread's.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>

namespace inferd {

// Shared by every frontend thread of a server; thread-safe.
class BusyPolling {
 public:
  // A frontend took a request and has not yet written its answer. Every
  // RequestTaken is followed by exactly one RequestAnswered.
  void RequestTaken() { answering_.fetch_add(1, std::memory_order_relaxed); }
  void RequestAnswered() { answering_.fetch_sub(1, std::memory_order_relaxed); }
  bool Idle() const { return answering_.load(std::memory_order_relaxed) == 0; }

  // Claims the one polling slot; false when another thread holds it.
  bool TryStartPolling() {
    int none = 0;
    return pollers_.compare_exchange_strong(none, 1);
  }
  void StopPolling() { pollers_.store(0); }

 private:
  std::atomic<int> pollers_{0};
  std::atomic<int64_t> answering_{0};
};

// The polling of one frontend thread. Not thread-safe: each thread has its own.
class BusyPoller {
 public:
  // `poll` looks once for work without blocking, runs what it found and
  // returns whether it found any. A `window` of 0 turns polling off.
  BusyPoller(BusyPolling* shared, std::chrono::microseconds window, std::function<bool()> poll);

  // Called by the thread after each piece of work, before it would block
  // waiting for the next: polls for up to `window` (longer while it keeps
  // finding work) when the policy above allows.
  void AfterWork();

 private:
  // Polls while the server stays idle, until `window_` passes without work.
  // Returns whether it found any.
  bool PollWhileIdle();

  BusyPolling* shared_;
  std::chrono::microseconds window_;
  std::function<bool()> poll_;
  int skip_ = 0;     // chances to poll still to skip after a miss
  int backoff_ = 0;  // how many the last miss made us skip
};

}  // namespace inferd
