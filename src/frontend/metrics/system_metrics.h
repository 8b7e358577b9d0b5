// The host gauges of the metrics endpoint: nv_cpu_utilization,
// nv_cpu_memory_total_bytes and nv_cpu_memory_used_bytes.
//
// A SystemSampler reads /proc/stat and /proc/meminfo on its own thread every
// interval (--metrics-interval-ms), so a scrape only copies the last values.
// Utilization is the busy share of all cores between two samples, 0..1;
// used memory is MemTotal - MemAvailable.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include "frontend/metrics/prometheus_text.h"

namespace inferd {

// Jiffies of all cores together, from the "cpu" line of /proc/stat.
struct CpuTimes {
  uint64_t busy = 0;
  uint64_t total = 0;
};

bool ParseProcStat(std::string_view text, CpuTimes* out);
// MemTotal and MemAvailable from /proc/meminfo, in bytes.
bool ParseMeminfo(std::string_view text, uint64_t* total_bytes, uint64_t* available_bytes);
// Busy share of the time between two samples; 0 when no time passed.
double CpuUtilization(const CpuTimes& before, const CpuTimes& after);

struct SystemMetrics {
  double cpu_utilization = 0;
  uint64_t memory_total_bytes = 0;
  uint64_t memory_used_bytes = 0;
};

void RenderSystemMetrics(const SystemMetrics& metrics, PrometheusText* out);
std::set<std::string> SystemMetricNames();

class SystemSampler {
 public:
  explicit SystemSampler(std::chrono::milliseconds interval);
  ~SystemSampler();

  // Takes a first sample (memory is known at once, utilization after one
  // interval) and starts the sampling thread.
  void Start();
  void Stop();
  SystemMetrics Latest() const;

 private:
  void Sample();
  void Run();

  const std::chrono::milliseconds interval_;
  mutable std::mutex mutex_;
  std::condition_variable stop_signal_;
  bool stopping_ = false;
  SystemMetrics latest_;
  CpuTimes last_cpu_;
  bool have_cpu_ = false;
  std::thread thread_;
};

}  // namespace inferd
