#include "perf/http_infer_body.h"

#include <rapidjson/document.h>

#include <cstdlib>

#include "perf/kserve_json.h"
#include "perf/tensor_encoding.h"

namespace inferd::perf {

namespace {

void AppendSharedMemoryParameters(const std::string& region, size_t byte_size, std::string* json) {
  json->append("\"parameters\":{\"shared_memory_region\":");
  AppendJsonString(region, json);
  json->append(",\"shared_memory_byte_size\":").append(std::to_string(byte_size)).append("}");
}

}  // namespace

Status BuildHttpInferBody(const InferPayload& payload, bool json_inputs, bool json_outputs,
                          const std::vector<SharedMemoryOutput>& shared_outputs, HttpInferBody* body) {
  body->json.clear();
  body->blobs.clear();
  std::string& json = body->json;
  json.append("{\"inputs\":[");
  for (size_t i = 0; i < payload.inputs.size(); ++i) {
    const InputTensor& input = payload.inputs[i];
    if (i) json.push_back(',');
    json.append("{\"name\":");
    AppendJsonString(input.name, &json);
    json.append(",\"datatype\":\"").append(input.datatype).append("\",\"shape\":[");
    for (size_t d = 0; d < input.shape.size(); ++d) {
      if (d) json.push_back(',');
      json.append(std::to_string(input.shape[d]));
    }
    json.push_back(']');
    if (!input.shm_region.empty()) {
      json.push_back(',');
      AppendSharedMemoryParameters(input.shm_region, input.data.size(), &json);
    } else if (json_inputs) {
      json.append(",\"data\":[");
      Status status = AppendJsonElements(input.datatype, input.data, &json);
      if (!status.ok()) return Status::Error("input '" + input.name + "': " + status.message());
      json.push_back(']');
    } else {
      json.append(",\"parameters\":{\"binary_data_size\":").append(std::to_string(input.data.size())).append("}");
      body->blobs.emplace_back(input.data);
    }
    json.push_back('}');
  }
  if (!shared_outputs.empty()) {
    json.append("],\"outputs\":[");
    for (size_t i = 0; i < shared_outputs.size(); ++i) {
      if (i) json.push_back(',');
      json.append("{\"name\":");
      AppendJsonString(shared_outputs[i].name, &json);
      json.push_back(',');
      AppendSharedMemoryParameters(shared_outputs[i].region, shared_outputs[i].byte_size, &json);
      json.push_back('}');
    }
    json.append("]}");
    return Status::Ok();
  }
  json.append("],\"parameters\":{\"binary_data_output\":").append(json_outputs ? "false" : "true").append("}}");
  return Status::Ok();
}

std::string HttpErrorText(const HttpResponse& response) {
  std::string text = "server replied " + std::to_string(response.status);
  std::string error = ErrorMessageOf(response.body);
  if (!error.empty()) return text + ": " + error;
  if (!response.body.empty()) return text + ": " + response.body.substr(0, 200);
  return text;
}

Status CheckHttpInferResponse(const HttpResponse& response, bool outputs_in_shared_memory) {
  if (response.status != 200) return Status::Error(HttpErrorText(response));
  size_t json_length = response.body.size();
  auto header = response.headers.find("inference-header-content-length");
  if (header != response.headers.end()) {
    char* end = nullptr;
    unsigned long long length = std::strtoull(header->second.c_str(), &end, 10);
    if (end == header->second.c_str() || length > response.body.size()) {
      return Status::Error("the response's Inference-Header-Content-Length '" + header->second +
                           "' does not fit its body of " + std::to_string(response.body.size()) + " bytes");
    }
    json_length = static_cast<size_t>(length);
  }
  rapidjson::Document document;
  document.Parse(response.body.data(), json_length);
  if (document.HasParseError() || !document.IsObject() || !document.HasMember("outputs") ||
      !document["outputs"].IsArray()) {
    return Status::Error("the response is not a JSON object with an \"outputs\" array");
  }
  size_t binary = 0;
  for (const auto& output : document["outputs"].GetArray()) {
    if (!output.IsObject()) return Status::Error("an entry of the response's \"outputs\" is not an object");
    auto parameters = output.FindMember("parameters");
    if (parameters != output.MemberEnd() && parameters->value.IsObject()) {
      auto size = parameters->value.FindMember("binary_data_size");
      if (size != parameters->value.MemberEnd() && size->value.IsUint64()) {
        binary += size->value.GetUint64();
        continue;
      }
    }
    if (!output.HasMember("data") && !outputs_in_shared_memory) {
      return Status::Error("an output of the response has neither data nor binary data");
    }
  }
  if (json_length + binary != response.body.size()) {
    return Status::Error("the response's binary outputs add up to " + std::to_string(binary) + " bytes but " +
                         std::to_string(response.body.size() - json_length) + " bytes follow its JSON");
  }
  return Status::Ok();
}

}  // namespace inferd::perf
