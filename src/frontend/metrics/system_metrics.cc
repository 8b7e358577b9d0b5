#include "frontend/metrics/system_metrics.h"

#include <fstream>
#include <sstream>

namespace inferd {
namespace {

std::string ReadFile(const char* path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

// The value after `key` ("MemTotal:") in /proc/meminfo, converted from kB.
bool MeminfoBytes(std::string_view text, std::string_view key, uint64_t* bytes) {
  size_t at = 0;
  while ((at = text.find(key, at)) != std::string_view::npos) {
    if (at == 0 || text[at - 1] == '\n') {
      std::istringstream line(std::string(text.substr(at + key.size(), text.find('\n', at) - at - key.size())));
      uint64_t value = 0;
      std::string unit;
      if (!(line >> value)) return false;
      line >> unit;
      *bytes = unit == "kB" ? value * 1024 : value;
      return true;
    }
    at += key.size();
  }
  return false;
}

}  // namespace

bool ParseProcStat(std::string_view text, CpuTimes* out) {
  if (text.substr(0, 4) != "cpu ") return false;
  std::istringstream line(std::string(text.substr(4, text.find('\n') - 4)));
  // user nice system idle iowait irq softirq steal; guest time is already
  // part of user and nice.
  uint64_t fields[8] = {};
  int read = 0;
  while (read < 8 && line >> fields[read]) ++read;
  if (read < 4) return false;
  uint64_t total = 0;
  for (uint64_t field : fields) total += field;
  uint64_t idle = fields[3] + fields[4];
  out->total = total;
  out->busy = total - idle;
  return true;
}

bool ParseMeminfo(std::string_view text, uint64_t* total_bytes, uint64_t* available_bytes) {
  return MeminfoBytes(text, "MemTotal:", total_bytes) && MeminfoBytes(text, "MemAvailable:", available_bytes);
}

double CpuUtilization(const CpuTimes& before, const CpuTimes& after) {
  if (after.total <= before.total || after.busy < before.busy) return 0;
  double share = static_cast<double>(after.busy - before.busy) / static_cast<double>(after.total - before.total);
  return share > 1 ? 1 : share;
}

void RenderSystemMetrics(const SystemMetrics& metrics, PrometheusText* out) {
  out->Family("nv_cpu_utilization", "CPU utilization rate [0.0 - 1.0]", "gauge");
  out->Sample("nv_cpu_utilization", {}, metrics.cpu_utilization);
  out->Family("nv_cpu_memory_total_bytes", "CPU total memory (RAM), in bytes", "gauge");
  out->Sample("nv_cpu_memory_total_bytes", {}, static_cast<double>(metrics.memory_total_bytes));
  out->Family("nv_cpu_memory_used_bytes", "CPU used memory (RAM), in bytes", "gauge");
  out->Sample("nv_cpu_memory_used_bytes", {}, static_cast<double>(metrics.memory_used_bytes));
}

std::set<std::string> SystemMetricNames() {
  return {"nv_cpu_utilization", "nv_cpu_memory_total_bytes", "nv_cpu_memory_used_bytes"};
}

SystemSampler::SystemSampler(std::chrono::milliseconds interval) : interval_(interval) {}

SystemSampler::~SystemSampler() { Stop(); }

void SystemSampler::Start() {
  if (thread_.joinable()) return;
  Sample();
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void SystemSampler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  stop_signal_.notify_all();
  if (thread_.joinable()) thread_.join();
}

SystemMetrics SystemSampler::Latest() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return latest_;
}

void SystemSampler::Sample() {
  CpuTimes cpu;
  bool cpu_ok = ParseProcStat(ReadFile("/proc/stat"), &cpu);
  uint64_t total = 0, available = 0;
  bool memory_ok = ParseMeminfo(ReadFile("/proc/meminfo"), &total, &available);
  std::lock_guard<std::mutex> lock(mutex_);
  if (cpu_ok) {
    if (have_cpu_) latest_.cpu_utilization = CpuUtilization(last_cpu_, cpu);
    last_cpu_ = cpu;
    have_cpu_ = true;
  }
  if (memory_ok) {
    latest_.memory_total_bytes = total;
    latest_.memory_used_bytes = total > available ? total - available : 0;
  }
}

void SystemSampler::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_signal_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    Sample();
    lock.lock();
  }
}

}  // namespace inferd
