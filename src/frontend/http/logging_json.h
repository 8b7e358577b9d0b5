// The JSON of the logging extension (GET and POST /v2/logging).
#pragma once

#include <string>

#include "core/log_settings_change.h"
#include "core/status.h"

namespace inferd {

// A POST body: any of log_file, log_info, log_warning, log_error,
// log_verbose_level, log_format; null values are ignored.
Status ReadLogSettingsJson(const std::string& body, LogSettingsChange* change);

// {"log_file": ..., "log_info": ..., "log_warning": ..., "log_error": ...,
//  "log_verbose_level": ..., "log_format": ...}
std::string LogSettingsJson(const LogSettingsView& settings);

}  // namespace inferd
