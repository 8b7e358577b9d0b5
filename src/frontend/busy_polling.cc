#include "frontend/busy_polling.h"

#include <sched.h>

#include <algorithm>
#include <utility>

namespace inferd {

BusyPoller::BusyPoller(BusyPolling* shared, std::chrono::microseconds window, std::function<bool()> poll)
    : shared_(shared), window_(window), poll_(std::move(poll)) {}

void BusyPoller::AfterWork() {
  constexpr int kMostSkipped = 255;
  if (window_.count() == 0 || !shared_->Idle()) return;
  if (skip_ > 0) {
    --skip_;
    return;
  }
  if (!shared_->TryStartPolling()) return;
  bool found = PollWhileIdle();
  shared_->StopPolling();
  if (found) {
    backoff_ = 0;
  } else {
    backoff_ = std::min(2 * backoff_ + 1, kMostSkipped);
    skip_ = backoff_;
  }
}

bool BusyPoller::PollWhileIdle() {
  using Clock = std::chrono::steady_clock;
  bool found = false;
  auto until = Clock::now() + window_;
  while (shared_->Idle() && Clock::now() < until) {
    if (poll_()) {
      found = true;
      until = Clock::now() + window_;
    } else {
      sched_yield();
    }
  }
  return found;
}

}  // namespace inferd
