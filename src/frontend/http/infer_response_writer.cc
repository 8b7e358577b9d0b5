#include "frontend/http/infer_response_writer.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstring>

#include "core/parameters_json.h"
#include "frontend/http/json_write.h"

namespace inferd {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>,
                                     rapidjson::CrtAllocator, rapidjson::kWriteNanAndInfFlag>;

template <typename T>
T Load(const char* data, size_t index) {
  T value;
  std::memcpy(&value, data + index * sizeof(T), sizeof(T));
  return value;
}


Status WriteJsonData(const Tensor& tensor, JsonWriter* w) {
  const char* d = tensor.data.data();
  size_t n = DataTypeByteSize(tensor.datatype) ? tensor.data.size() / DataTypeByteSize(tensor.datatype) : 0;
  w->StartArray();
  switch (tensor.datatype) {
    case DataType::kBool: for (size_t i = 0; i < n; ++i) w->Bool(d[i] != 0); break;
    case DataType::kUint8: for (size_t i = 0; i < n; ++i) w->Uint(Load<uint8_t>(d, i)); break;
    case DataType::kUint16: for (size_t i = 0; i < n; ++i) w->Uint(Load<uint16_t>(d, i)); break;
    case DataType::kUint32: for (size_t i = 0; i < n; ++i) w->Uint(Load<uint32_t>(d, i)); break;
    case DataType::kUint64: for (size_t i = 0; i < n; ++i) w->Uint64(Load<uint64_t>(d, i)); break;
    case DataType::kInt8: for (size_t i = 0; i < n; ++i) w->Int(Load<int8_t>(d, i)); break;
    case DataType::kInt16: for (size_t i = 0; i < n; ++i) w->Int(Load<int16_t>(d, i)); break;
    case DataType::kInt32: for (size_t i = 0; i < n; ++i) w->Int(Load<int32_t>(d, i)); break;
    case DataType::kInt64: for (size_t i = 0; i < n; ++i) w->Int64(Load<int64_t>(d, i)); break;
    case DataType::kFp32: for (size_t i = 0; i < n; ++i) w->Double(Load<float>(d, i)); break;
    case DataType::kFp64: for (size_t i = 0; i < n; ++i) w->Double(Load<double>(d, i)); break;
    case DataType::kBytes: {
      std::vector<std::string_view> elements;
      auto count = ElementCount(tensor.shape).value_or(0);
      INFERD_RETURN_IF_ERROR(
          SplitBytesElements(tensor.name, std::string_view(d, tensor.data.size()), count, &elements));
      for (auto e : elements) WriteString(w, e);
      break;
    }
    default:
      return Status::InvalidArg("output '" + tensor.name + "' has datatype " +
                                std::string(DataTypeName(tensor.datatype)) +
                                ", which cannot be returned as JSON; request it with \"binary_data\": true");
  }
  w->EndArray();
  return Status::Ok();
}

}  // namespace

Status WriteHttpInferResponse(const InferenceResponse& response, const OutputEncoding& encoding,
                              HttpInferResponse* out) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  if (!response.id.empty()) {
    WriteStringMember(&w, "id", response.id);
  }
  WriteStringMember(&w, "model_name", response.model_name);
  WriteStringMember(&w, "model_version", std::to_string(response.model_version));
  if (!response.parameters.empty()) {
    w.Key("parameters");
    WriteParametersJson(response.parameters, &w);
  }
  w.Key("outputs");
  w.StartArray();
  for (const Tensor& tensor : response.outputs) {
    w.StartObject();
    WriteStringMember(&w, "name", tensor.name);
    WriteStringMember(&w, "datatype", DataTypeName(tensor.datatype));
    w.Key("shape");
    w.StartArray();
    for (int64_t dim : tensor.shape) w.Int64(dim);
    w.EndArray();
    if (auto target = encoding.shared_memory.find(tensor.name); target != encoding.shared_memory.end()) {
      // Written to the client's region: the entry carries neither data nor parameters.
      INFERD_RETURN_IF_ERROR(CopyToSharedMemory(tensor, target->second));
    } else if (encoding.Binary(tensor.name)) {
      w.Key("parameters");
      w.StartObject();
      w.Key("binary_data_size");
      w.Uint64(tensor.data.size());
      w.EndObject();
      if (!tensor.data.empty()) {
        out->blobs.push_back(tensor.data);
        out->blob_bytes += tensor.data.size();
      }
    } else {
      w.Key("data");
      INFERD_RETURN_IF_ERROR(WriteJsonData(tensor, &w));
    }
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  out->json.assign(buffer.GetString(), buffer.GetSize());
  return Status::Ok();
}

}  // namespace inferd
