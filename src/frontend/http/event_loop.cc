#include "frontend/http/event_loop.h"

#include <sched.h>

#include <algorithm>

namespace inferd {
namespace {

using Clock = std::chrono::steady_clock;

bool ServerIdle(const BusyPolling& polling) {
  return polling.answering == nullptr || polling.answering->load(std::memory_order_relaxed) == 0;
}

// Polls `io` while the server stays idle, until `window` passes without work.
// Returns whether it found any.
bool PollWhileIdle(boost::asio::io_context& io, const BusyPolling& polling) {
  bool found = false;
  auto until = Clock::now() + polling.window;
  while (ServerIdle(polling) && Clock::now() < until) {
    if (io.poll() > 0) {
      found = true;
      until = Clock::now() + polling.window;
    } else {
      sched_yield();
    }
  }
  return found;
}

}  // namespace

void RunEventLoop(boost::asio::io_context& io, BusyPolling& polling) {
  constexpr int kMostSkipped = 255;
  int skip = 0;     // polls still to skip after a miss
  int backoff = 0;  // how many the last miss made us skip
  while (io.run_one() > 0) {
    if (polling.window.count() == 0 || !ServerIdle(polling)) continue;
    if (skip > 0) {
      --skip;
      continue;
    }
    int none = 0;
    if (!polling.pollers.compare_exchange_strong(none, 1)) continue;
    bool found = PollWhileIdle(io, polling);
    polling.pollers = 0;
    if (found) {
      backoff = 0;
    } else {
      backoff = std::min(2 * backoff + 1, kMostSkipped);
      skip = backoff;
    }
  }
}

}  // namespace inferd
