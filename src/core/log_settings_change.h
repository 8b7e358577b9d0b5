// The logging extension's view of the log settings: what GET /v2/logging and
// gRPC LogSettings report, and the changes a client may make while the
// server runs. Both protocols translate their messages to these.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"

namespace inferd {

struct LogSettingsView {
  std::string file;  // "" when the log goes to stderr
  bool info = true;
  bool warning = true;
  bool error = true;
  uint32_t verbose_level = 0;
  std::string format;  // "default" or "ISO8601"
};

// Unset fields stay as they are.
struct LogSettingsChange {
  std::optional<bool> info, warning, error;
  std::optional<uint32_t> verbose_level;
  std::optional<std::string> format;
  bool file = false;  // the client asked to change the log file, which is fixed at start-up
};

LogSettingsView CurrentLogSettings();

// Applies the whole change or, when a part is refused, none of it.
Status ApplyLogSettingsChange(const LogSettingsChange& change);

}  // namespace inferd
