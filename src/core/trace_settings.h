// Trace settings (the trace extension): what a sampled request's trace
// records, how often requests are sampled, and how the traces are written.
// The server has one global set; a model may override any setting but the
// file. Settings travel as text everywhere (command line, HTTP, gRPC), so
// reading them is done here, once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace inferd {

// What a trace records; neither flag set is "OFF".
struct TraceLevel {
  bool timestamps = false;
  bool tensors = false;

  bool off() const { return !timestamps && !tensors; }
  // ["OFF"], or the levels set: "TIMESTAMPS", "TENSORS".
  std::vector<std::string> Names() const;
  // From level names: "OFF" alone, or any of TIMESTAMPS and TENSORS.
  static Status Parse(const std::vector<std::string>& names, TraceLevel* out);
};

struct TraceSettings {
  TraceLevel level;           // default OFF
  int64_t rate = 1000;        // one request in `rate` is traced
  int64_t count = -1;         // traces still to take; -1: no limit
  int64_t log_frequency = 0;  // write the traces every N; 0: at shutdown
  std::string file;           // where they go; fixed at start-up
};

// Settings a model sets for itself; the unset ones follow the global ones.
struct TraceOverrides {
  std::optional<TraceLevel> level;
  std::optional<int64_t> rate;
  std::optional<int64_t> count;
  std::optional<int64_t> log_frequency;

  bool empty() const { return !level && !rate && !count && !log_frequency; }
  TraceSettings Over(const TraceSettings& global) const;
};

// One update request: settings to set, and settings to clear (a model's
// override goes, a global setting returns to its start-up value).
struct TraceSettingsChange {
  TraceOverrides set;
  std::vector<std::string> clear;  // setting names
  bool clear_all = false;          // a model-scoped update naming no setting
};

// The settings as the API shows them: each setting's text values, in the
// order the protocol lists them (trace_level may have several, the others
// have one).
std::vector<std::pair<std::string, std::vector<std::string>>> TraceSettingValues(const TraceSettings& settings);

// Whether `key` names a setting of the API: trace_file, trace_level,
// trace_rate, trace_count, log_frequency or trace_mode.
bool IsTraceSetting(const std::string& key);

// Adds the API setting `key` to `change`: `values` are its text values (one
// each, several for trace_level), or `clear` for a null value. Errors name
// the setting and value; trace_file cannot be set once the server runs.
Status AddTraceSetting(const std::string& key, const std::vector<std::string>& values, bool clear,
                       TraceSettingsChange* change);

// Reads one --trace-config argument ("<setting>=<value>", "triton,<setting>=<value>",
// "mode=triton") into `settings`; `levels` collects the level= values, which
// may repeat.
Status ApplyTraceConfig(const std::string& argument, TraceSettings* settings, std::vector<std::string>* levels);

}  // namespace inferd
