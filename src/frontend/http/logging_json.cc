#include "frontend/http/logging_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "frontend/http/bounded_json.h"
#include "frontend/http/json_write.h"

namespace inferd {

Status ReadLogSettingsJson(const std::string& body, LogSettingsChange* change) {
  *change = LogSettingsChange();
  if (body.empty()) return Status::Ok();
  rapidjson::Document document;
  INFERD_RETURN_IF_ERROR(ParseBoundedJson(body, &document));
  if (!document.IsObject()) return Status::InvalidArg("the log settings must be a JSON object");
  for (const auto& member : document.GetObject()) {
    std::string key(member.name.GetString(), member.name.GetStringLength());
    const rapidjson::Value& value = member.value;
    if (value.IsNull()) continue;
    auto boolean = [&](std::optional<bool>* out) {
      if (!value.IsBool()) return Status::InvalidArg("'" + key + "' must be a boolean");
      *out = value.GetBool();
      return Status::Ok();
    };
    if (key == "log_info") {
      INFERD_RETURN_IF_ERROR(boolean(&change->info));
    } else if (key == "log_warning") {
      INFERD_RETURN_IF_ERROR(boolean(&change->warning));
    } else if (key == "log_error") {
      INFERD_RETURN_IF_ERROR(boolean(&change->error));
    } else if (key == "log_verbose_level") {
      if (!value.IsUint()) return Status::InvalidArg("'log_verbose_level' must be a non-negative integer");
      change->verbose_level = value.GetUint();
    } else if (key == "log_format") {
      if (!value.IsString()) return Status::InvalidArg("'log_format' must be a string");
      change->format = std::string(value.GetString(), value.GetStringLength());
    } else if (key == "log_file") {
      change->file = true;
    } else {
      return Status::InvalidArg("unknown log setting '" + key + "'");
    }
  }
  return Status::Ok();
}

std::string LogSettingsJson(const LogSettingsView& settings) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  WriteStringMember(&w, "log_file", settings.file);
  w.Key("log_info");
  w.Bool(settings.info);
  w.Key("log_warning");
  w.Bool(settings.warning);
  w.Key("log_error");
  w.Bool(settings.error);
  w.Key("log_verbose_level");
  w.Uint(settings.verbose_level);
  WriteStringMember(&w, "log_format", settings.format);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace inferd
