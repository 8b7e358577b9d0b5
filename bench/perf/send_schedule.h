// SendSchedule: the planned send times of request-rate mode.
//
// Constant: one send every 1/rate seconds. Poisson: exponentially
// distributed gaps with mean 1/rate (a fixed seed, so runs repeat). When no
// connection is free in time, planned sends wait; once more than
// `max_backlog` of them are overdue, the oldest are dropped instead, so an
// overloaded server does not build an ever-growing queue. Not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <random>
#include <vector>

namespace inferd::perf {

enum class Distribution { kConstant, kPoisson };

class SendSchedule {
 public:
  SendSchedule(double rate, Distribution distribution, int64_t start_ns, size_t max_backlog, uint64_t seed = 1);

  // The planned time of the next send for a connection free at `now_ns`
  // (possibly in the future: the caller waits for it). Planned sends skipped
  // as dropped are appended to `dropped`.
  int64_t Next(int64_t now_ns, std::vector<int64_t>* dropped);

 private:
  int64_t Generate();

  double interval_ns_;
  Distribution distribution_;
  int64_t start_ns_;
  size_t max_backlog_;
  std::mt19937_64 random_;
  std::exponential_distribution<double> gap_;
  uint64_t generated_ = 0;
  double poisson_offset_ns_ = 0;
  std::deque<int64_t> pending_;  // generated, not yet handed out, ascending
};

}  // namespace inferd::perf
