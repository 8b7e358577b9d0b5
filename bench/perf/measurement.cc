#include "perf/measurement.h"

#include <cstdio>
#include <deque>
#include <thread>

#include "perf/clock.h"
#include "perf/stability.h"

namespace inferd::perf {
namespace {

constexpr size_t kStableWindows = 3;

struct Window {
  std::vector<RequestRecord> records;
  int64_t duration_ns = 0;
  StatsDelta server;
};

std::string WindowLine(int trial, const WindowSummary& summary, int percentile) {
  char line[200];
  std::snprintf(line, sizeof(line), "  window %d: %.1f infer/s, %s latency %.0f us, %lld requests", trial,
                summary.inferences_per_second, percentile ? ("p" + std::to_string(percentile)).c_str() : "avg",
                summary.LatencyUs(percentile), static_cast<long long>(summary.requests));
  std::string text = line;
  if (summary.errors) text += ", " + std::to_string(summary.errors) + " errors";
  if (summary.late_sends) text += ", " + std::to_string(summary.late_sends) + " late";
  if (summary.dropped_sends) text += ", " + std::to_string(summary.dropped_sends) + " dropped";
  return text;
}

}  // namespace

LevelResult MeasureLevel(LoadGenerator* load, ServerClient* stats, double level, const MeasureOptions& options,
                         const ProgressFn& progress) {
  LevelResult result;
  result.level = level;
  load->Start(level);
  std::this_thread::sleep_for(std::chrono::milliseconds(options.warmup_ms));
  std::string error = load->log().FirstError();
  if (!error.empty()) {
    load->Stop();
    result.first_error = error;
    return result;
  }

  ModelStatsSnapshot before, after;
  bool server_stats = options.server_stats;
  auto snapshot = [&](ModelStatsSnapshot* out) {
    if (!server_stats) return;
    Status status = stats->GetModelStats(out);
    if (!status.ok()) {
      server_stats = false;
      progress("  server statistics unavailable, leaving their columns empty: " + status.message());
    }
  };
  snapshot(&before);
  int64_t window_start = NowNs();
  load->log().Take(0, window_start);  // warm-up requests

  std::deque<Window> windows;
  std::vector<TrialPoint> trials;
  for (int trial = 1; trial <= options.max_trials; ++trial) {
    std::this_thread::sleep_for(std::chrono::milliseconds(options.interval_ms));
    int64_t window_end = NowNs();
    snapshot(&after);
    Window window;
    window.records = load->log().Take(window_start, window_end);
    window.duration_ns = window_end - window_start;
    if (server_stats) window.server = Diff(before, after);
    before = after;
    window_start = NowNs();

    WindowSummary summary = Summarise(window.records, window.duration_ns, options.batch_size);
    trials.push_back({summary.inferences_per_second, summary.LatencyUs(options.percentile)});
    progress(WindowLine(trial, summary, options.percentile));
    result.trials = trial;
    windows.push_back(std::move(window));
    if (windows.size() > kStableWindows) windows.pop_front();
    if (summary.errors > 0) {
      result.first_error = load->log().FirstError();
      break;
    }
    if (IsStable(trials, options.stability_percentage, kStableWindows)) {
      result.stable = true;
      break;
    }
  }
  load->Stop();

  std::vector<RequestRecord> merged;
  int64_t duration_ns = 0;
  for (const Window& window : windows) {
    merged.insert(merged.end(), window.records.begin(), window.records.end());
    duration_ns += window.duration_ns;
    result.server += window.server;
  }
  result.summary = Summarise(merged, duration_ns, options.batch_size);
  result.has_server_stats = server_stats;
  return result;
}

}  // namespace inferd::perf
