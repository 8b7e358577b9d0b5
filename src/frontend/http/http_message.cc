#include "frontend/http/http_message.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "frontend/http/json_write.h"

namespace inferd {

HttpReply HttpReply::Json(int status, std::string json) {
  HttpReply reply;
  reply.status = status;
  reply.content_type = "application/json";
  reply.body = std::move(json);
  return reply;
}

HttpReply HttpReply::Error(int status, const std::string& message) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  WriteStringMember(&writer, "error", message);
  writer.EndObject();
  return Json(status, std::string(buffer.GetString(), buffer.GetSize()));
}

HttpReply HttpReply::Empty(int status) {
  HttpReply reply;
  reply.status = status;
  return reply;
}

}  // namespace inferd
