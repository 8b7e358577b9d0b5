#include "frontend/http/shared_memory_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "frontend/http/bounded_json.h"
#include "frontend/http/json_write.h"

namespace inferd {

Status ReadSharedMemoryRegisterJson(const std::string& body, std::string* key, uint64_t* offset,
                                    uint64_t* byte_size) {
  rapidjson::Document document;
  INFERD_RETURN_IF_ERROR(ParseBoundedJson(body, &document));
  if (!document.IsObject()) return Status::InvalidArg("the register request must be a JSON object");
  auto found = document.FindMember("key");
  if (found == document.MemberEnd() || !found->value.IsString()) {
    return Status::InvalidArg("the register request needs a string 'key'");
  }
  key->assign(found->value.GetString(), found->value.GetStringLength());
  found = document.FindMember("byte_size");
  if (found == document.MemberEnd() || !found->value.IsUint64()) {
    return Status::InvalidArg("the register request needs 'byte_size', a non-negative integer");
  }
  *byte_size = found->value.GetUint64();
  *offset = 0;
  found = document.FindMember("offset");
  if (found != document.MemberEnd()) {
    if (!found->value.IsUint64()) return Status::InvalidArg("'offset' must be a non-negative integer");
    *offset = found->value.GetUint64();
  }
  return Status::Ok();
}

std::string SharedMemoryStatusJson(const std::vector<SharedMemoryRegionInfo>& regions) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartArray();
  for (const auto& region : regions) {
    w.StartObject();
    WriteStringMember(&w, "name", region.name);
    WriteStringMember(&w, "key", region.key);
    w.Key("offset");
    w.Uint64(region.offset);
    w.Key("byte_size");
    w.Uint64(region.byte_size);
    w.EndObject();
  }
  w.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace inferd
