#include "perf/window_summary.h"

#include <algorithm>
#include <cmath>

namespace inferd::perf {

double WindowSummary::LatencyUs(int percentile) const {
  switch (percentile) {
    case 50:
      return p50_latency_us;
    case 90:
      return p90_latency_us;
    case 95:
      return p95_latency_us;
    case 99:
      return p99_latency_us;
    default:
      return avg_latency_us;
  }
}

int64_t Percentile(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

WindowSummary Summarise(const std::vector<RequestRecord>& records, int64_t duration_ns, int64_t batch_size) {
  WindowSummary summary;
  summary.duration_ns = duration_ns;
  std::vector<int64_t> latencies;
  latencies.reserve(records.size());
  double latency_sum = 0, send_sum = 0, recv_sum = 0;
  for (const RequestRecord& record : records) {
    if (record.kind == RequestRecord::Kind::kDropped) {
      ++summary.dropped_sends;
      continue;
    }
    if (record.delay_ns > kLateSendNs) ++summary.late_sends;
    if (record.kind == RequestRecord::Kind::kError) {
      ++summary.errors;
      continue;
    }
    int64_t latency = record.end_ns - record.start_ns;
    latencies.push_back(latency);
    latency_sum += static_cast<double>(latency);
    send_sum += static_cast<double>(record.send_ns);
    recv_sum += static_cast<double>(record.recv_ns);
  }
  summary.requests = static_cast<int64_t>(latencies.size());
  if (duration_ns > 0) {
    summary.inferences_per_second = static_cast<double>(summary.requests * batch_size) * 1e9 / duration_ns;
  }
  if (latencies.empty()) return summary;
  std::sort(latencies.begin(), latencies.end());
  const double n = static_cast<double>(latencies.size());
  summary.avg_latency_us = latency_sum / n / 1000.0;
  summary.client_send_us = send_sum / n / 1000.0;
  summary.client_recv_us = recv_sum / n / 1000.0;
  summary.p50_latency_us = static_cast<double>(Percentile(latencies, 50)) / 1000.0;
  summary.p90_latency_us = static_cast<double>(Percentile(latencies, 90)) / 1000.0;
  summary.p95_latency_us = static_cast<double>(Percentile(latencies, 95)) / 1000.0;
  summary.p99_latency_us = static_cast<double>(Percentile(latencies, 99)) / 1000.0;
  return summary;
}

}  // namespace inferd::perf
