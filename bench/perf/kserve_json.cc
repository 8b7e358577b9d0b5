#include "perf/kserve_json.h"

#include <rapidjson/document.h>

#include <cstdlib>

namespace inferd::perf {
namespace {

Status Parse(const std::string& body, const char* what, rapidjson::Document* document) {
  document->Parse(body.data(), body.size());
  if (document->HasParseError() || !document->IsObject()) {
    return Status::Error(std::string("the ") + what + " reply is not a JSON object");
  }
  return Status::Ok();
}

Status ParseTensors(const rapidjson::Value& model, const char* key, int64_t max_batch_size,
                    std::vector<TensorInfo>* tensors) {
  auto member = model.FindMember(key);
  if (member == model.MemberEnd() || !member->value.IsArray()) {
    return Status::Error(std::string("the model metadata has no \"") + key + "\" array");
  }
  for (const auto& tensor : member->value.GetArray()) {
    if (!tensor.IsObject() || !tensor.HasMember("name") || !tensor["name"].IsString() ||
        !tensor.HasMember("datatype") || !tensor["datatype"].IsString() || !tensor.HasMember("shape") ||
        !tensor["shape"].IsArray()) {
      return Status::Error(std::string("an entry of \"") + key + "\" lacks name, datatype or shape");
    }
    TensorInfo info;
    info.name = tensor["name"].GetString();
    info.datatype = tensor["datatype"].GetString();
    for (const auto& d : tensor["shape"].GetArray()) {
      if (!d.IsInt64()) return Status::Error("the shape of '" + info.name + "' is not a list of integers");
      info.shape.push_back(d.GetInt64());
    }
    if (max_batch_size > 0 && !info.shape.empty()) info.shape.erase(info.shape.begin());
    tensors->push_back(std::move(info));
  }
  return Status::Ok();
}

}  // namespace

std::string ErrorMessageOf(const std::string& body) {
  rapidjson::Document document;
  document.Parse(body.data(), body.size());
  if (document.HasParseError() || !document.IsObject() || !document.HasMember("error") ||
      !document["error"].IsString()) {
    return "";
  }
  return document["error"].GetString();
}

Status ParseServerExtensions(const std::string& body, std::vector<std::string>* extensions) {
  rapidjson::Document document;
  Status status = Parse(body, "server metadata", &document);
  if (!status.ok()) return status;
  auto member = document.FindMember("extensions");
  if (member == document.MemberEnd() || !member->value.IsArray()) return Status::Ok();
  for (const auto& extension : member->value.GetArray()) {
    if (extension.IsString()) extensions->push_back(extension.GetString());
  }
  return Status::Ok();
}

Status ParseModelMetadata(const std::string& body, int64_t max_batch_size, ModelInfo* model) {
  rapidjson::Document document;
  Status status = Parse(body, "model metadata", &document);
  if (status.ok()) status = ParseTensors(document, "inputs", max_batch_size, &model->inputs);
  if (status.ok()) status = ParseTensors(document, "outputs", max_batch_size, &model->outputs);
  return status;
}

Status ParseMaxBatchSize(const std::string& body, int64_t* max_batch_size) {
  rapidjson::Document document;
  Status status = Parse(body, "model configuration", &document);
  if (!status.ok()) return status;
  *max_batch_size = 0;
  auto member = document.FindMember("max_batch_size");
  if (member == document.MemberEnd()) return Status::Ok();
  if (member->value.IsInt64()) {
    *max_batch_size = member->value.GetInt64();
    return Status::Ok();
  }
  // Proto-JSON may render 64-bit numbers as strings.
  if (member->value.IsString()) {
    char* end = nullptr;
    const char* text = member->value.GetString();
    *max_batch_size = std::strtoll(text, &end, 10);
    if (end != text && *end == '\0') return Status::Ok();
  }
  return Status::Error("\"max_batch_size\" in the model configuration is not a number");
}

}  // namespace inferd::perf
