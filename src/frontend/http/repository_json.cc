#include "frontend/http/repository_json.h"

#include "core/base64.h"
#include "frontend/http/bounded_json.h"

namespace inferd {
namespace {

// The "parameters" object of a body, or null when the body has none.
Status ReadParameters(const std::string& body, rapidjson::Document* document, const rapidjson::Value** parameters) {
  *parameters = nullptr;
  if (body.empty()) return Status::Ok();
  INFERD_RETURN_IF_ERROR(ParseBoundedJson(body, document));
  if (!document->IsObject()) return Status::InvalidArg("the request body must be a JSON object");
  auto found = document->FindMember("parameters");
  if (found == document->MemberEnd()) return Status::Ok();
  if (!found->value.IsObject()) return Status::InvalidArg("'parameters' must be a JSON object");
  *parameters = &found->value;
  return Status::Ok();
}

}  // namespace

Status ReadLoadRequestJson(const std::string& body, ModelLoadOverrides* overrides) {
  rapidjson::Document document;
  const rapidjson::Value* parameters = nullptr;
  INFERD_RETURN_IF_ERROR(ReadParameters(body, &document, &parameters));
  if (!parameters) return Status::Ok();
  for (const auto& member : parameters->GetObject()) {
    std::string key(member.name.GetString(), member.name.GetStringLength());
    if (!IsLoadParameter(key)) return Status::Internal("unrecognized load parameter '" + key + "'.");
    if (!member.value.IsString()) {
      return Status::InvalidArg("load parameter '" + key + "' must be a JSON string");
    }
    std::string value(member.value.GetString(), member.value.GetStringLength());
    if (key != "config") {
      std::string decoded;
      if (!Base64Decode(value, &decoded)) {
        return Status::InvalidArg("load parameter '" + key + "' must hold the file's content in base64");
      }
      value = std::move(decoded);
    }
    INFERD_RETURN_IF_ERROR(AddLoadParameter(key, std::move(value), overrides));
  }
  return Status::Ok();
}

Status ReadUnloadRequestJson(const std::string& body, bool* unload_dependents) {
  *unload_dependents = false;
  rapidjson::Document document;
  const rapidjson::Value* parameters = nullptr;
  INFERD_RETURN_IF_ERROR(ReadParameters(body, &document, &parameters));
  if (!parameters) return Status::Ok();
  auto found = parameters->FindMember("unload_dependents");
  if (found == parameters->MemberEnd()) return Status::Ok();
  if (!found->value.IsBool()) return Status::InvalidArg("'unload_dependents' must be a boolean");
  *unload_dependents = found->value.GetBool();
  return Status::Ok();
}

}  // namespace inferd
