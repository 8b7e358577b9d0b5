#include "frontend/http/trace_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "frontend/http/bounded_json.h"
#include "frontend/http/json_write.h"

namespace inferd {

Status ReadTraceSettingsJson(const std::string& body, bool model_scoped, TraceSettingsChange* change) {
  *change = TraceSettingsChange();
  rapidjson::Document document;
  if (!body.empty()) {
    INFERD_RETURN_IF_ERROR(ParseBoundedJson(body, &document));
    if (!document.IsObject()) return Status::InvalidArg("the trace settings must be a JSON object");
  }
  if (body.empty() || document.ObjectEmpty()) {
    change->clear_all = model_scoped;
    return Status::Ok();
  }
  for (const auto& member : document.GetObject()) {
    std::string key(member.name.GetString(), member.name.GetStringLength());
    const rapidjson::Value& value = member.value;
    if (!IsTraceSetting(key)) return Status::InvalidArg("unknown trace setting '" + key + "'");
    std::vector<std::string> values;
    if (value.IsString() && key != "trace_level") {
      values.emplace_back(value.GetString(), value.GetStringLength());
    } else if (value.IsArray() && key == "trace_level") {
      for (const auto& element : value.GetArray()) {
        if (!element.IsString()) return Status::InvalidArg("'trace_level' must be an array of strings");
        values.emplace_back(element.GetString(), element.GetStringLength());
      }
    } else if (!value.IsNull()) {
      return Status::InvalidArg("'" + key + "' must be " +
                                (key == "trace_level" ? "an array of strings" : "a string"));
    }
    INFERD_RETURN_IF_ERROR(AddTraceSetting(key, values, value.IsNull(), change));
  }
  return Status::Ok();
}

std::string TraceSettingsJson(const TraceSettings& settings) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  for (const auto& [key, values] : TraceSettingValues(settings)) {
    if (key != "trace_level") {
      WriteStringMember(&w, key.c_str(), values.front());
      continue;
    }
    w.Key("trace_level");  // the one setting that is an array
    w.StartArray();
    for (const std::string& level : values) WriteString(&w, level);
    w.EndArray();
  }
  w.EndObject();
  return buffer.GetString();
}

}  // namespace inferd
