// The JSON of the trace extension (GET and POST /v2[/models/<m>]/trace/setting).
#pragma once

#include <string>

#include "core/status.h"
#include "core/trace_settings.h"

namespace inferd {

// A POST body: any of the settings, trace_level as an array of strings and
// the others as strings; null clears a setting. A model-scoped body naming
// no setting clears all of the model's.
Status ReadTraceSettingsJson(const std::string& body, bool model_scoped, TraceSettingsChange* change);

// {"trace_level": [...], "trace_rate": "...", "trace_count": "...",
//  "log_frequency": "...", "trace_file": "...", "trace_mode": "triton"}
std::string TraceSettingsJson(const TraceSettings& settings);

}  // namespace inferd
