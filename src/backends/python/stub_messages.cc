#include "backends/python/stub_messages.h"

#include <cstring>

#include "core/parameters_json.h"

namespace inferd {

void WriteTensor(const Tensor& tensor, TensorSink* sink, JsonWriter* w) {
  w->StartObject();
  w->Key("name");
  w->String(tensor.name.c_str());
  w->Key("datatype");
  std::string_view type = DataTypeName(tensor.datatype);
  w->String(type.data(), static_cast<rapidjson::SizeType>(type.size()));
  w->Key("shape");
  w->StartArray();
  for (int64_t dim : tensor.shape) w->Int64(dim);
  w->EndArray();
  w->Key("data");
  w->StartObject();
  size_t size = tensor.data.size();
  if (sink->shm) {
    std::memcpy(sink->shm->data() + sink->shm_offset, tensor.data.data(), size);
    w->Key("shm");
    w->String(sink->shm->name().c_str());
    w->Key("offset");
    w->Uint64(sink->shm_offset);
    w->Key("size");
    w->Uint64(size);
    sink->shm_offset += size;
  } else {
    w->Key("inline");
    w->StartArray();
    w->Uint64(sink->blob_size);
    w->Uint64(size);
    w->EndArray();
    sink->blob->push_back(tensor.data);
    sink->blob_size += size;
  }
  w->EndObject();
  w->EndObject();
}

void WriteParameters(const Parameters& parameters, JsonWriter* w) { WriteParametersJson(parameters, w); }

const rapidjson::Value* JsonMember(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return nullptr;
  auto it = object.FindMember(key);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

std::string JsonString(const rapidjson::Value& object, const char* key) {
  const rapidjson::Value* value = JsonMember(object, key);
  return value && value->IsString() ? std::string(value->GetString(), value->GetStringLength()) : std::string();
}

bool JsonBool(const rapidjson::Value& object, const char* key) {
  const rapidjson::Value* value = JsonMember(object, key);
  return value && value->IsBool() && value->GetBool();
}

Status FrameSegments::Get(const std::string& name, std::shared_ptr<ShmSegment>* segment) {
  auto it = segments_.find(name);
  if (it == segments_.end()) {
    std::shared_ptr<ShmSegment> opened;
    INFERD_RETURN_IF_ERROR(ShmSegment::OpenAndUnlink(name, &opened));
    it = segments_.emplace(name, std::move(opened)).first;
  }
  *segment = it->second;
  return Status::Ok();
}

namespace {

Status ReadTensorData(const rapidjson::Value& data, const Buffer& blob, FrameSegments* segments, Tensor* tensor) {
  auto bad = [&](const std::string& why) {
    return Status::Internal("the Python stub sent tensor '" + tensor->name + "' with " + why);
  };
  if (const rapidjson::Value* inline_range = JsonMember(data, "inline")) {
    if (!inline_range->IsArray() || inline_range->Size() != 2 || !(*inline_range)[0].IsUint64() ||
        !(*inline_range)[1].IsUint64()) {
      return bad("a malformed inline range");
    }
    uint64_t offset = (*inline_range)[0].GetUint64(), size = (*inline_range)[1].GetUint64();
    if (offset > blob.size() || size > blob.size() - offset) return bad("an inline range past the frame");
    tensor->data = blob.Slice(offset, size);
    return Status::Ok();
  }
  std::string name = JsonString(data, "shm");
  const rapidjson::Value* offset = JsonMember(data, "offset");
  const rapidjson::Value* size = JsonMember(data, "size");
  if (name.empty() || !offset || !size || !offset->IsUint64() || !size->IsUint64()) return bad("no data reference");
  std::shared_ptr<ShmSegment> segment;
  INFERD_RETURN_IF_ERROR(segments->Get(name, &segment));
  if (offset->GetUint64() > segment->size() || size->GetUint64() > segment->size() - offset->GetUint64()) {
    return bad("a range past its shared memory segment");
  }
  tensor->data = ShmView(segment, offset->GetUint64(), size->GetUint64());
  return Status::Ok();
}

Status ReadParameters(const rapidjson::Value* object, Parameters* out) {
  if (!object || object->IsNull()) return Status::Ok();
  if (!object->IsObject()) return Status::InvalidArg("parameters must be a dict");
  for (const auto& member : object->GetObject()) {
    ParameterValue value;
    if (!ReadParameterJson(member.value, &value)) {
      return Status::InvalidArg("parameter values must be bool, int, float or str");
    }
    out->emplace_back(member.name.GetString(), std::move(value));
  }
  return Status::Ok();
}

}  // namespace

Status ReadTensors(const rapidjson::Value& array, const Buffer& blob, FrameSegments* segments,
                   std::vector<Tensor>* tensors) {
  if (!array.IsArray()) return Status::Internal("the Python stub sent tensors that are not a list");
  for (const auto& item : array.GetArray()) {
    Tensor tensor;
    tensor.name = JsonString(item, "name");
    tensor.datatype = DataTypeFromName(JsonString(item, "datatype"));
    if (tensor.datatype == DataType::kInvalid) {
      return Status::Internal("the Python stub sent tensor '" + tensor.name + "' with an unknown datatype");
    }
    const rapidjson::Value* shape = JsonMember(item, "shape");
    if (!shape || !shape->IsArray()) return Status::Internal("the Python stub sent tensor '" + tensor.name + "' without a shape");
    for (const auto& dim : shape->GetArray()) {
      if (!dim.IsInt64() || dim.GetInt64() < 0) {
        return Status::Internal("the Python stub sent tensor '" + tensor.name + "' with a negative dimension");
      }
      tensor.shape.push_back(dim.GetInt64());
    }
    const rapidjson::Value* data = JsonMember(item, "data");
    if (!data) return Status::Internal("the Python stub sent tensor '" + tensor.name + "' without data");
    INFERD_RETURN_IF_ERROR(ReadTensorData(*data, blob, segments, &tensor));
    tensors->push_back(std::move(tensor));
  }
  return Status::Ok();
}

Status ReadResponse(const rapidjson::Value& value, const Buffer& blob, FrameSegments* segments,
                    InferenceResponse* response, Status* model_error) {
  *model_error = Status::Ok();
  const rapidjson::Value* error = JsonMember(value, "error");
  if (error && error->IsObject()) {
    *model_error = Status(StubErrorCode(JsonString(*error, "code")), JsonString(*error, "message"));
    return Status::Ok();
  }
  if (const rapidjson::Value* outputs = JsonMember(value, "outputs")) {
    INFERD_RETURN_IF_ERROR(ReadTensors(*outputs, blob, segments, &response->outputs));
  }
  Status parameters = ReadParameters(JsonMember(value, "parameters"), &response->parameters);
  if (!parameters.ok()) *model_error = Status::InvalidArg("response " + parameters.message());
  return Status::Ok();
}

Status ReadBlsRequest(const rapidjson::Value& value, const Buffer& blob, FrameSegments* segments,
                      InferenceRequest* request) {
  request->model_name = JsonString(value, "model_name");
  request->id = JsonString(value, "id");
  const rapidjson::Value* version = JsonMember(value, "model_version");
  request->model_version = version && version->IsInt64() ? version->GetInt64() : -1;
  if (const rapidjson::Value* inputs = JsonMember(value, "inputs")) {
    INFERD_RETURN_IF_ERROR(ReadTensors(*inputs, blob, segments, &request->inputs));
  }
  if (const rapidjson::Value* names = JsonMember(value, "requested_output_names"); names && names->IsArray()) {
    for (const auto& name : names->GetArray()) {
      if (name.IsString()) request->outputs.push_back(RequestedOutput{name.GetString(), 0});
    }
  }
  INFERD_RETURN_IF_ERROR(ReadParameters(JsonMember(value, "parameters"), &request->parameters));
  const rapidjson::Value* correlation = JsonMember(value, "correlation_id");
  if (correlation && correlation->IsUint64() && correlation->GetUint64() != 0) {
    request->parameters.emplace_back("sequence_id", correlation->GetUint64());
  } else if (correlation && correlation->IsString() && correlation->GetStringLength() > 0) {
    request->parameters.emplace_back("sequence_id", std::string(correlation->GetString()));
  }
  const rapidjson::Value* flags = JsonMember(value, "flags");
  if (flags && flags->IsUint()) {
    if (flags->GetUint() & 1) request->parameters.emplace_back("sequence_start", true);
    if (flags->GetUint() & 2) request->parameters.emplace_back("sequence_end", true);
  }
  const rapidjson::Value* timeout = JsonMember(value, "timeout");
  if (timeout && timeout->IsUint64() && timeout->GetUint64() > 0) {
    request->parameters.emplace_back("timeout", timeout->GetUint64());
  }
  return Status::Ok();
}

const char* StubErrorCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArg: return "INVALID_ARG";
    case StatusCode::kNotFound: return "NOT_FOUND";
    case StatusCode::kUnavailable: return "UNAVAILABLE";
    case StatusCode::kUnsupported: return "UNSUPPORTED";
    case StatusCode::kAlreadyExists: return "ALREADY_EXISTS";
    case StatusCode::kCancelled: return "CANCELLED";
    case StatusCode::kUnknown: return "UNKNOWN";
    default: return "INTERNAL";
  }
}

StatusCode StubErrorCode(const std::string& name) {
  for (StatusCode code : {StatusCode::kInvalidArg, StatusCode::kNotFound, StatusCode::kUnavailable,
                          StatusCode::kUnsupported, StatusCode::kAlreadyExists, StatusCode::kCancelled,
                          StatusCode::kUnknown}) {
    if (name == StubErrorCodeName(code)) return code;
  }
  return StatusCode::kInternal;
}

}  // namespace inferd
