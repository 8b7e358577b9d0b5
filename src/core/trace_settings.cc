#include "core/trace_settings.h"

#include <algorithm>
#include <charconv>

namespace inferd {
namespace {

// A whole decimal integer, nothing around it.
bool ParseInteger(const std::string& text, int64_t* out) {
  const char* end = text.data() + text.size();
  auto [last, error] = std::from_chars(text.data(), end, *out);
  return !text.empty() && error == std::errc() && last == end;
}

Status ParseAtLeast(const std::string& key, const std::string& text, int64_t minimum, const char* what,
                    int64_t* out) {
  if (!ParseInteger(text, out) || *out < minimum) {
    return Status::InvalidArg("'" + key + "' must be " + what + ", got '" + text + "'");
  }
  return Status::Ok();
}

Status OneValue(const std::string& key, const std::vector<std::string>& values) {
  if (values.size() != 1) {
    return Status::InvalidArg("'" + key + "' takes one value, got " + std::to_string(values.size()));
  }
  return Status::Ok();
}

}  // namespace

std::vector<std::string> TraceLevel::Names() const {
  if (off()) return {"OFF"};
  std::vector<std::string> names;
  if (timestamps) names.push_back("TIMESTAMPS");
  if (tensors) names.push_back("TENSORS");
  return names;
}

Status TraceLevel::Parse(const std::vector<std::string>& names, TraceLevel* out) {
  if (names.empty()) return Status::InvalidArg("'trace_level' needs at least one level");
  TraceLevel level;
  for (const std::string& name : names) {
    if (name == "TIMESTAMPS") {
      level.timestamps = true;
    } else if (name == "TENSORS") {
      level.tensors = true;
    } else if (name != "OFF") {
      return Status::InvalidArg("'trace_level' value '" + name + "' is not one of OFF, TIMESTAMPS, TENSORS");
    }
  }
  bool has_off = std::find(names.begin(), names.end(), "OFF") != names.end();
  if (has_off && !level.off()) return Status::InvalidArg("'trace_level' OFF cannot be given with other levels");
  *out = level;
  return Status::Ok();
}

TraceSettings TraceOverrides::Over(const TraceSettings& global) const {
  TraceSettings settings = global;
  if (level) settings.level = *level;
  if (rate) settings.rate = *rate;
  if (count) settings.count = *count;
  if (log_frequency) settings.log_frequency = *log_frequency;
  return settings;
}

std::vector<std::pair<std::string, std::vector<std::string>>> TraceSettingValues(const TraceSettings& settings) {
  return {{"trace_level", settings.level.Names()},
          {"trace_rate", {std::to_string(settings.rate)}},
          {"trace_count", {std::to_string(settings.count)}},
          {"log_frequency", {std::to_string(settings.log_frequency)}},
          {"trace_file", {settings.file}},
          {"trace_mode", {"triton"}}};
}

bool IsTraceSetting(const std::string& key) {
  static const char* const kNames[] = {"trace_file", "trace_level", "trace_rate", "trace_count", "log_frequency",
                                       "trace_mode"};
  return std::find(std::begin(kNames), std::end(kNames), key) != std::end(kNames);
}

Status AddTraceSetting(const std::string& key, const std::vector<std::string>& values, bool clear,
                       TraceSettingsChange* change) {
  if (!IsTraceSetting(key)) return Status::InvalidArg("unknown trace setting '" + key + "'");
  if (key == "trace_file" || key == "trace_mode") {
    if (clear) return Status::Ok();
    if (key == "trace_mode") {
      return Status::Unsupported("'trace_mode' cannot be changed: inferd traces in mode 'triton'");
    }
    return Status::Unsupported(
        "'trace_file' cannot be changed while the server runs; start it with --trace-config triton,file=<path>");
  }
  if (clear) {
    change->clear.push_back(key);
    return Status::Ok();
  }
  TraceOverrides& set = change->set;
  if (key == "trace_level") {
    TraceLevel level;
    INFERD_RETURN_IF_ERROR(TraceLevel::Parse(values, &level));
    set.level = level;
    return Status::Ok();
  }
  INFERD_RETURN_IF_ERROR(OneValue(key, values));
  int64_t number = 0;
  if (key == "trace_rate") {
    INFERD_RETURN_IF_ERROR(ParseAtLeast(key, values[0], 1, "a positive integer", &number));
    set.rate = number;
  } else if (key == "trace_count") {
    INFERD_RETURN_IF_ERROR(ParseAtLeast(key, values[0], -1, "an integer of -1 (no limit) or more", &number));
    set.count = number;
  } else {
    INFERD_RETURN_IF_ERROR(ParseAtLeast(key, values[0], 0, "an integer of 0 (at shutdown) or more", &number));
    set.log_frequency = number;
  }
  return Status::Ok();
}

Status ApplyTraceConfig(const std::string& argument, TraceSettings* settings, std::vector<std::string>* levels) {
  auto error = [&](const std::string& why) { return Status::InvalidArg("--trace-config '" + argument + "': " + why); };
  std::string setting = argument;
  std::string mode;
  if (size_t comma = argument.find(','); comma != std::string::npos) {
    mode = argument.substr(0, comma);
    setting = argument.substr(comma + 1);
  }
  size_t equals = setting.find('=');
  if (equals == std::string::npos) return error("expected [<mode>,]<setting>=<value>");
  std::string name = setting.substr(0, equals);
  std::string value = setting.substr(equals + 1);
  if (mode == "opentelemetry" || (mode.empty() && name == "mode" && value == "opentelemetry")) {
    return error("the opentelemetry trace mode is not supported; inferd traces in mode 'triton'");
  }
  if (!mode.empty() && mode != "triton") return error("unknown trace mode '" + mode + "'");
  int64_t number = 0;
  Status status;
  if (mode.empty() && name == "mode") {
    if (value != "triton") return error("unknown trace mode '" + value + "'");
  } else if (mode.empty() && name == "level") {
    levels->push_back(value);
  } else if (mode.empty() && name == "rate") {
    status = ParseAtLeast("rate", value, 1, "a positive integer", &settings->rate);
  } else if (mode.empty() && name == "count") {
    status = ParseAtLeast("count", value, -1, "an integer of -1 (no limit) or more", &settings->count);
  } else if (mode == "triton" && name == "file") {
    settings->file = value;
  } else if (mode == "triton" && name == "log-frequency") {
    status = ParseAtLeast("log-frequency", value, 0, "an integer of 0 (at shutdown) or more", &number);
    settings->log_frequency = number;
  } else {
    return error("unknown setting '" + name + "'" +
                 (mode.empty() ? " (global settings: level, rate, count, mode)"
                               : " (triton settings: file, log-frequency)"));
  }
  if (!status.ok()) return error(status.message());
  return Status::Ok();
}

}  // namespace inferd
