#include "config/config_json.h"

#include <rapidjson/stringbuffer.h>
#include <google/protobuf/util/json_util.h>
#include <rapidjson/writer.h>

namespace inferd {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteMessage(const Message& message, JsonWriter* out);

void WriteString(const std::string& text, JsonWriter* out) {
  out->String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

// One value of a field; `index` < 0 means a singular field.
void WriteValue(const Message& message, const FieldDescriptor* field, int index, JsonWriter* out) {
  const Reflection* r = message.GetReflection();
  bool rep = index >= 0;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      out->Int(rep ? r->GetRepeatedInt32(message, field, index) : r->GetInt32(message, field));
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      out->Int64(rep ? r->GetRepeatedInt64(message, field, index) : r->GetInt64(message, field));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      out->Uint(rep ? r->GetRepeatedUInt32(message, field, index) : r->GetUInt32(message, field));
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      out->Uint64(rep ? r->GetRepeatedUInt64(message, field, index) : r->GetUInt64(message, field));
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      out->Double(rep ? r->GetRepeatedDouble(message, field, index) : r->GetDouble(message, field));
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      out->Double(rep ? r->GetRepeatedFloat(message, field, index) : r->GetFloat(message, field));
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      out->Bool(rep ? r->GetRepeatedBool(message, field, index) : r->GetBool(message, field));
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      WriteString((rep ? r->GetRepeatedEnum(message, field, index) : r->GetEnum(message, field))->name(), out);
      break;
    case FieldDescriptor::CPPTYPE_STRING:
      WriteString(rep ? r->GetRepeatedString(message, field, index) : r->GetString(message, field), out);
      break;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      WriteMessage(rep ? r->GetRepeatedMessage(message, field, index) : r->GetMessage(message, field), out);
      break;
  }
}

// A map field is a repeated message of {key, value}; JSON wants an object.
void WriteMap(const Message& message, const FieldDescriptor* field, JsonWriter* out) {
  const Reflection* r = message.GetReflection();
  out->StartObject();
  for (int i = 0; i < r->FieldSize(message, field); ++i) {
    const Message& entry = r->GetRepeatedMessage(message, field, i);
    const FieldDescriptor* key = entry.GetDescriptor()->map_key();
    const FieldDescriptor* value = entry.GetDescriptor()->map_value();
    const Reflection* er = entry.GetReflection();
    switch (key->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING: WriteString(er->GetString(entry, key), out); break;
      case FieldDescriptor::CPPTYPE_UINT64: WriteString(std::to_string(er->GetUInt64(entry, key)), out); break;
      case FieldDescriptor::CPPTYPE_INT64: WriteString(std::to_string(er->GetInt64(entry, key)), out); break;
      case FieldDescriptor::CPPTYPE_UINT32: WriteString(std::to_string(er->GetUInt32(entry, key)), out); break;
      case FieldDescriptor::CPPTYPE_INT32: WriteString(std::to_string(er->GetInt32(entry, key)), out); break;
      case FieldDescriptor::CPPTYPE_BOOL: WriteString(er->GetBool(entry, key) ? "true" : "false", out); break;
      default: WriteString("", out); break;
    }
    WriteValue(entry, value, -1, out);
  }
  out->EndObject();
}

void WriteMessage(const Message& message, JsonWriter* out) {
  const auto* descriptor = message.GetDescriptor();
  const Reflection* r = message.GetReflection();
  out->StartObject();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    bool only_when_set = field->containing_oneof() != nullptr ||
                         (!field->is_repeated() && field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE);
    if (only_when_set && !r->HasField(message, field)) continue;
    WriteString(field->name(), out);
    if (field->is_map()) {
      WriteMap(message, field, out);
    } else if (field->is_repeated()) {
      out->StartArray();
      for (int k = 0; k < r->FieldSize(message, field); ++k) WriteValue(message, field, k, out);
      out->EndArray();
    } else {
      WriteValue(message, field, -1, out);
    }
  }
  out->EndObject();
}

}  // namespace

std::string ModelConfigToJson(const Message& config) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  WriteMessage(config, &writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

Status ParseModelConfigJson(const std::string& json, inference::ModelConfig* config) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  options.case_insensitive_enum_parsing = true;
  auto status = google::protobuf::util::JsonStringToMessage(json, config, options);
  if (!status.ok()) {
    return Status::InvalidArg("failed to parse the model configuration JSON of the 'config' load parameter: " +
                              std::string(status.message()));
  }
  return Status::Ok();
}

}  // namespace inferd
