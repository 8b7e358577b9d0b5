// One monotonic clock for every timestamp the tool takes.
#pragma once

#include <chrono>
#include <cstdint>

namespace inferd::perf {

using Clock = std::chrono::steady_clock;

inline int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

}  // namespace inferd::perf
