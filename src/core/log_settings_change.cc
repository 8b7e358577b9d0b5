#include "core/log_settings_change.h"

#include "core/logging.h"

namespace inferd {

LogSettingsView CurrentLogSettings() {
  const LogSettings& s = GlobalLogSettings();
  return {s.file, s.info, s.warning, s.error, static_cast<uint32_t>(s.verbose_level.load()),
          s.iso8601 ? "ISO8601" : "default"};
}

Status ApplyLogSettingsChange(const LogSettingsChange& change) {
  if (change.file) {
    return Status::Unsupported("'log_file' cannot be changed while the server runs; start it with --log-file");
  }
  if (change.format && *change.format != "default" && *change.format != "ISO8601") {
    return Status::Unavailable("invalid 'log_format' '" + *change.format + "': it must be \"default\" or \"ISO8601\"");
  }
  LogSettings& s = GlobalLogSettings();
  if (change.info) s.info = *change.info;
  if (change.warning) s.warning = *change.warning;
  if (change.error) s.error = *change.error;
  if (change.verbose_level) s.verbose_level = static_cast<int>(*change.verbose_level);
  if (change.format) s.iso8601 = *change.format == "ISO8601";
  return Status::Ok();
}

}  // namespace inferd
