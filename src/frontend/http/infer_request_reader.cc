#include "frontend/http/infer_request_reader.h"

#include <cstring>
#include <limits>

#include "core/parameters_json.h"
#include "core/protocol_rules.h"
#include "frontend/http/bounded_json.h"

namespace inferd {
namespace {

using rapidjson::Value;

const Value* Member(const Value& object, const char* name) {
  auto it = object.FindMember(name);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

// Flattens (possibly nested) `data` into `elements`, row-major.
void Flatten(const Value& data, std::vector<const Value*>* elements) {
  if (!data.IsArray()) {
    elements->push_back(&data);
    return;
  }
  for (const auto& item : data.GetArray()) Flatten(item, elements);
}

template <typename T>
bool StoreInteger(const Value& v, char* out) {
  T value;
  if constexpr (std::is_signed_v<T>) {
    if (!v.IsInt64()) return false;
    int64_t x = v.GetInt64();
    if (x < std::numeric_limits<T>::min() || x > std::numeric_limits<T>::max()) return false;
    value = static_cast<T>(x);
  } else {
    if (!v.IsUint64()) return false;
    uint64_t x = v.GetUint64();
    if (x > std::numeric_limits<T>::max()) return false;
    value = static_cast<T>(x);
  }
  std::memcpy(out, &value, sizeof(T));
  return true;
}

bool StoreElement(DataType type, const Value& v, char* out) {
  switch (type) {
    case DataType::kBool:
      if (!v.IsBool()) return false;
      *out = v.GetBool() ? 1 : 0;
      return true;
    case DataType::kUint8: return StoreInteger<uint8_t>(v, out);
    case DataType::kUint16: return StoreInteger<uint16_t>(v, out);
    case DataType::kUint32: return StoreInteger<uint32_t>(v, out);
    case DataType::kUint64: return StoreInteger<uint64_t>(v, out);
    case DataType::kInt8: return StoreInteger<int8_t>(v, out);
    case DataType::kInt16: return StoreInteger<int16_t>(v, out);
    case DataType::kInt32: return StoreInteger<int32_t>(v, out);
    case DataType::kInt64: return StoreInteger<int64_t>(v, out);
    case DataType::kFp32: {
      if (!v.IsNumber()) return false;
      float f = static_cast<float>(v.GetDouble());
      std::memcpy(out, &f, sizeof(f));
      return true;
    }
    case DataType::kFp64: {
      if (!v.IsNumber()) return false;
      double d = v.GetDouble();
      std::memcpy(out, &d, sizeof(d));
      return true;
    }
    default: return false;
  }
}

Status ReadJsonData(const Value& data, Tensor* tensor, int64_t count) {
  const std::string& name = tensor->name;
  if (tensor->datatype == DataType::kFp16 || tensor->datatype == DataType::kBf16) {
    return Status::InvalidArg("input '" + name + "' has datatype " + std::string(DataTypeName(tensor->datatype)) +
                              ", which cannot be sent as JSON data; send it as binary data");
  }
  std::vector<const Value*> elements;
  Flatten(data, &elements);
  if (static_cast<int64_t>(elements.size()) != count) {
    return Status::InvalidArg("unexpected number of elements in 'data' of input '" + name + "': shape " +
                              ShapeToString(tensor->shape) + " needs " + std::to_string(count) + ", got " +
                              std::to_string(elements.size()));
  }
  if (tensor->datatype == DataType::kBytes) {
    std::string serialized;
    for (size_t i = 0; i < elements.size(); ++i) {
      if (!elements[i]->IsString()) {
        return Status::InvalidArg("element " + std::to_string(i) + " of input '" + name +
                                  "' must be a JSON string for datatype BYTES");
      }
      AppendBytesElement(std::string_view(elements[i]->GetString(), elements[i]->GetStringLength()), &serialized);
    }
    tensor->data = Buffer::FromString(std::move(serialized));
    return Status::Ok();
  }
  size_t element_size = DataTypeByteSize(tensor->datatype);
  char* out = nullptr;
  tensor->data = Buffer::Allocate(elements.size() * element_size, &out);
  for (size_t i = 0; i < elements.size(); ++i) {
    if (!StoreElement(tensor->datatype, *elements[i], out + i * element_size)) {
      return Status::InvalidArg("element " + std::to_string(i) + " of input '" + name + "' is not a valid " +
                                std::string(DataTypeName(tensor->datatype)) + " value");
    }
  }
  return Status::Ok();
}

Status ReadParameter(const std::string& key, const Value& value, ParameterValue* out) {
  if (ReadParameterJson(value, out)) return Status::Ok();
  return Status::InvalidArg("parameter '" + key + "' must be a string, number or boolean");
}

Status ReadRequestParameters(const Value& params, HttpInferRequest* out) {
  if (!params.IsObject()) return Status::InvalidArg("request 'parameters' must be a JSON object");
  for (const auto& member : params.GetObject()) {
    std::string key(member.name.GetString(), member.name.GetStringLength());
    const Value& value = member.value;
    INFERD_RETURN_IF_ERROR(CheckCustomParameterName(key));
    if (key == "binary_data_output") {
      if (!value.IsBool()) return Status::InvalidArg("request parameter 'binary_data_output' must be a boolean");
      out->output_encoding.default_binary = value.GetBool();
      continue;
    }
    // Scheduling parameters (sequence_id, priority, timeout, ...) are kept
    // with the others; the default scheduler ignores them.
    ParameterValue parsed;
    INFERD_RETURN_IF_ERROR(ReadParameter(key, value, &parsed));
    INFERD_RETURN_IF_ERROR(CheckSchedulingParameter(key, parsed));
    out->request->parameters.emplace_back(std::move(key), std::move(parsed));
  }
  return Status::Ok();
}

Status ReadShape(const Value& input, const std::string& name, Shape* shape) {
  const Value* value = Member(input, "shape");
  if (!value || !value->IsArray()) return Status::InvalidArg("input '" + name + "' must have a 'shape' array");
  for (const auto& dim : value->GetArray()) {
    if (!dim.IsUint64() || dim.GetUint64() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Status::InvalidArg("'shape' of input '" + name + "' must hold non-negative integers");
    }
    shape->push_back(static_cast<int64_t>(dim.GetUint64()));
  }
  return Status::Ok();
}

// The shared memory parameters of an input or output (`what`): the region,
// the byte size (required) and the offset in the region (default 0).
Status ReadSharedMemoryParameters(const Value& params, const std::string& what, std::string* region,
                                  uint64_t* offset, uint64_t* byte_size) {
  const Value* name = Member(params, "shared_memory_region");
  if (!name || !name->IsString()) return Status::InvalidArg("'shared_memory_region' of " + what + " must be a string");
  region->assign(name->GetString(), name->GetStringLength());
  const Value* size = Member(params, "shared_memory_byte_size");
  if (!size || !size->IsUint64()) {
    return Status::InvalidArg("'shared_memory_byte_size' of " + what +
                              " must be given as a non-negative integer with 'shared_memory_region'");
  }
  *byte_size = size->GetUint64();
  *offset = 0;
  if (const Value* at = Member(params, "shared_memory_offset")) {
    if (!at->IsUint64()) return Status::InvalidArg("'shared_memory_offset' of " + what + " must be a non-negative integer");
    *offset = at->GetUint64();
  }
  return Status::Ok();
}

// Reads one input; binary data is taken from `blobs` at `*blob_offset`.
Status ReadInput(const Value& input, const std::shared_ptr<const std::string>& body, size_t* blob_offset,
                 bool has_binary_section, const SharedMemoryRegistry& shared_memory, Tensor* tensor) {
  if (!input.IsObject()) return Status::InvalidArg("each entry of 'inputs' must be a JSON object");
  const Value* name = Member(input, "name");
  if (!name || !name->IsString()) return Status::InvalidArg("each input must have a string 'name'");
  tensor->name.assign(name->GetString(), name->GetStringLength());
  const Value* datatype = Member(input, "datatype");
  if (!datatype || !datatype->IsString()) {
    return Status::InvalidArg("input '" + tensor->name + "' must have a string 'datatype'");
  }
  tensor->datatype = DataTypeFromName(std::string_view(datatype->GetString(), datatype->GetStringLength()));
  if (tensor->datatype == DataType::kInvalid) {
    return Status::InvalidArg("input '" + tensor->name + "' has unknown datatype '" + datatype->GetString() + "'");
  }
  INFERD_RETURN_IF_ERROR(ReadShape(input, tensor->name, &tensor->shape));
  auto count = ElementCount(tensor->shape);
  if (!count) return Status::InvalidArg("shape of input '" + tensor->name + "' is too large");

  const Value* data = Member(input, "data");
  const Value* binary_size = nullptr;
  const Value* shm_region = nullptr;
  if (const Value* params = Member(input, "parameters")) {
    if (!params->IsObject()) return Status::InvalidArg("'parameters' of input '" + tensor->name + "' must be an object");
    binary_size = Member(*params, "binary_data_size");
    shm_region = Member(*params, "shared_memory_region");
  }
  int sources = (data != nullptr) + (binary_size != nullptr) + (shm_region != nullptr);
  if (sources != 1) {
    return Status::InvalidArg("input '" + tensor->name +
                              "' must specify exactly one of 'data', 'binary_data_size' or 'shared_memory_region'");
  }
  if (shm_region) {
    std::string region, what = "input '" + tensor->name + "'";
    uint64_t offset = 0, byte_size = 0;
    INFERD_RETURN_IF_ERROR(
        ReadSharedMemoryParameters(*Member(input, "parameters"), what, &region, &offset, &byte_size));
    return shared_memory.InputData(what, region, offset, byte_size, &tensor->data);
  }
  if (data) return ReadJsonData(*data, tensor, *count);

  if (!binary_size->IsUint64()) {
    return Status::InvalidArg("'binary_data_size' of input '" + tensor->name + "' must be a non-negative integer");
  }
  if (!has_binary_section) {
    return Status::InvalidArg("input '" + tensor->name +
                              "' has binary data but the request has no Inference-Header-Content-Length header");
  }
  uint64_t size = binary_size->GetUint64();
  if (size > body->size() - *blob_offset) {
    return Status::InvalidArg("unexpected size for input '" + tensor->name + "', expecting " + std::to_string(size) +
                              " bytes but only " + std::to_string(body->size() - *blob_offset) +
                              " bytes remain in the request body");
  }
  tensor->data = Buffer(body, body->data() + *blob_offset, size);
  *blob_offset += size;
  return Status::Ok();
}

Status ReadOutputs(const Value& outputs, const SharedMemoryRegistry& shared_memory, HttpInferRequest* out) {
  if (!outputs.IsArray()) return Status::InvalidArg("'outputs' must be a JSON array");
  for (const auto& output : outputs.GetArray()) {
    if (!output.IsObject()) return Status::InvalidArg("each entry of 'outputs' must be a JSON object");
    const Value* name = Member(output, "name");
    if (!name || !name->IsString()) return Status::InvalidArg("each requested output must have a string 'name'");
    RequestedOutput requested;
    requested.name.assign(name->GetString(), name->GetStringLength());
    if (const Value* params = Member(output, "parameters")) {
      if (!params->IsObject()) {
        return Status::InvalidArg("'parameters' of output '" + requested.name + "' must be an object");
      }
      if (const Value* binary = Member(*params, "binary_data")) {
        if (!binary->IsBool()) {
          return Status::InvalidArg("'binary_data' of output '" + requested.name + "' must be a boolean");
        }
        out->output_encoding.per_output[requested.name] = binary->GetBool();
      }
      if (const Value* classes = Member(*params, "classification")) {
        if (!classes->IsUint() || classes->GetUint() == 0) {
          return Status::InvalidArg("'classification' of output '" + requested.name +
                                    "' must be a positive integer");
        }
        requested.classification_count = classes->GetUint();
      }
      if (Member(*params, "shared_memory_region")) {
        std::string region, what = "output '" + requested.name + "'";
        uint64_t offset = 0, byte_size = 0;
        INFERD_RETURN_IF_ERROR(ReadSharedMemoryParameters(*params, what, &region, &offset, &byte_size));
        if (requested.classification_count > 0) {
          return Status::InvalidArg(what + " cannot use both shared memory and the classification extension");
        }
        auto binary = out->output_encoding.per_output.find(requested.name);
        if (binary != out->output_encoding.per_output.end() && binary->second) {
          return Status::InvalidArg(what + " cannot use both shared memory and binary data");
        }
        SharedMemoryOutput target;
        INFERD_RETURN_IF_ERROR(shared_memory.OutputTarget(what, region, offset, byte_size, &target));
        out->output_encoding.shared_memory[requested.name] = std::move(target);
      }
    }
    out->request->outputs.push_back(std::move(requested));
  }
  return Status::Ok();
}

// Header length 0: the body is the raw data of the model's only input, and
// every output comes back binary.
Status ReadRawBinaryRequest(const std::shared_ptr<const std::string>& body, const inference::ModelConfig& config,
                            HttpInferRequest* out) {
  if (config.input_size() != 1) {
    return Status::InvalidArg("a raw binary request (Inference-Header-Content-Length: 0) needs a model with exactly "
                              "one input; model '" + config.name() + "' has " + std::to_string(config.input_size()));
  }
  const auto& spec = config.input(0);
  Tensor tensor;
  tensor.name = spec.name();
  tensor.datatype = static_cast<DataType>(spec.data_type());
  tensor.data = Buffer(body, body->data(), body->size());
  if (config.max_batch_size() > 0) tensor.shape.push_back(1);
  if (tensor.datatype == DataType::kBytes) {
    tensor.shape.assign(tensor.shape.empty() ? 1 : 2, 1);
  } else {
    int variable = 0;
    int64_t fixed = 1;
    for (int64_t dim : spec.dims()) {
      if (dim < 0) ++variable;
      else fixed *= dim;
    }
    if (variable > 1) {
      return Status::InvalidArg("a raw binary request needs input '" + spec.name() +
                                "' to have at most one variable dimension");
    }
    int64_t elements = static_cast<int64_t>(body->size() / DataTypeByteSize(tensor.datatype));
    for (int64_t dim : spec.dims()) tensor.shape.push_back(dim >= 0 ? dim : (fixed ? elements / fixed : 0));
  }
  out->request->inputs.push_back(std::move(tensor));
  out->output_encoding.default_binary = true;
  return Status::Ok();
}

}  // namespace

Status ReadHttpInferRequest(std::shared_ptr<const std::string> body, std::optional<size_t> header_length,
                            const inference::ModelConfig& config, const SharedMemoryRegistry& shared_memory,
                            HttpInferRequest* out) {
  out->request = std::make_unique<InferenceRequest>();
  if (header_length && *header_length == 0) return ReadRawBinaryRequest(body, config, out);
  size_t json_size = header_length.value_or(body->size());
  rapidjson::Document document;
  INFERD_RETURN_IF_ERROR(ParseBoundedJson(std::string_view(body->data(), json_size), &document));
  if (!document.IsObject()) return Status::InvalidArg("the inference request must be a JSON object");

  if (const Value* id = Member(document, "id")) {
    if (!id->IsString()) return Status::InvalidArg("request 'id' must be a string");
    out->request->id.assign(id->GetString(), id->GetStringLength());
  }
  if (const Value* params = Member(document, "parameters")) INFERD_RETURN_IF_ERROR(ReadRequestParameters(*params, out));
  const Value* inputs = Member(document, "inputs");
  if (!inputs || !inputs->IsArray()) {
    return Status::InvalidArg("the inference request must have an 'inputs' array");
  }
  size_t blob_offset = json_size;
  for (const auto& input : inputs->GetArray()) {
    Tensor tensor;
    INFERD_RETURN_IF_ERROR(
        ReadInput(input, body, &blob_offset, header_length.has_value(), shared_memory, &tensor));
    out->request->inputs.push_back(std::move(tensor));
  }
  if (blob_offset != body->size()) {
    return Status::InvalidArg("unexpected additional input data: " + std::to_string(body->size() - blob_offset) +
                              " bytes follow the last binary input");
  }
  if (const Value* outputs = Member(document, "outputs")) {
    INFERD_RETURN_IF_ERROR(ReadOutputs(*outputs, shared_memory, out));
  }
  return Status::Ok();
}

}  // namespace inferd
