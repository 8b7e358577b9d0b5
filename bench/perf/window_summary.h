// The numbers of one measurement window (or of several merged), from the
// records of the requests that ended in it.
#pragma once

#include <cstdint>
#include <vector>

#include "perf/request_log.h"

namespace inferd::perf {

// A request sent this much later than planned counts as late.
inline constexpr int64_t kLateSendNs = 1'000'000;

struct WindowSummary {
  int64_t duration_ns = 0;
  int64_t requests = 0;  // completed successfully
  int64_t errors = 0;
  int64_t late_sends = 0;
  int64_t dropped_sends = 0;
  double inferences_per_second = 0;  // requests × batch size per second
  double avg_latency_us = 0;
  double p50_latency_us = 0;
  double p90_latency_us = 0;
  double p95_latency_us = 0;
  double p99_latency_us = 0;
  double client_send_us = 0;
  double client_recv_us = 0;

  // The latency the stability check and the sweep look at: the average, or
  // the percentile `percentile` (50, 90, 95 or 99) when it is not 0.
  double LatencyUs(int percentile) const;
};

// Nearest-rank percentile (0 < p ≤ 100) of ascending `sorted`; 0 when empty.
int64_t Percentile(const std::vector<int64_t>& sorted, double p);

WindowSummary Summarise(const std::vector<RequestRecord>& records, int64_t duration_ns, int64_t batch_size);

}  // namespace inferd::perf
