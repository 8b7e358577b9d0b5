#include "frontend/grpc/grpc_infer_request_reader.h"

#include <cstring>
#include <limits>

#include "core/protocol_rules.h"

namespace inferd {
namespace {

using inference::InferParameter;
using inference::InferTensorContents;

// Number of elements present in each typed field of `contents`.
size_t ContentsSize(const InferTensorContents& c) {
  return c.bool_contents_size() + c.int_contents_size() + c.int64_contents_size() + c.uint_contents_size() +
         c.uint64_contents_size() + c.fp32_contents_size() + c.fp64_contents_size() + c.bytes_contents_size();
}

// The typed field an input's data came in.
struct TypedField {
  const char* name = "";
  int count = 0;
};

// Packs `values` as elements of type T (narrowing as the protocol says).
template <typename T, typename Values>
TypedField Pack(const char* name, const Values& values, Buffer* data) {
  char* out = nullptr;
  *data = Buffer::Allocate(values.size() * sizeof(T), &out);
  for (int i = 0; i < values.size(); ++i) {
    T value = static_cast<T>(values[i]);
    std::memcpy(out + i * sizeof(T), &value, sizeof(T));
  }
  return {name, values.size()};
}

Status ReadTypedContents(const InferTensorContents& c, Tensor* tensor, int64_t count) {
  const std::string& name = tensor->name;
  Buffer* data = &tensor->data;
  TypedField typed;
  switch (tensor->datatype) {
    case DataType::kBool: typed = Pack<uint8_t>("bool_contents", c.bool_contents(), data); break;
    case DataType::kInt8: typed = Pack<int8_t>("int_contents", c.int_contents(), data); break;
    case DataType::kInt16: typed = Pack<int16_t>("int_contents", c.int_contents(), data); break;
    case DataType::kInt32: typed = Pack<int32_t>("int_contents", c.int_contents(), data); break;
    case DataType::kInt64: typed = Pack<int64_t>("int64_contents", c.int64_contents(), data); break;
    case DataType::kUint8: typed = Pack<uint8_t>("uint_contents", c.uint_contents(), data); break;
    case DataType::kUint16: typed = Pack<uint16_t>("uint_contents", c.uint_contents(), data); break;
    case DataType::kUint32: typed = Pack<uint32_t>("uint_contents", c.uint_contents(), data); break;
    case DataType::kUint64: typed = Pack<uint64_t>("uint64_contents", c.uint64_contents(), data); break;
    case DataType::kFp32: typed = Pack<float>("fp32_contents", c.fp32_contents(), data); break;
    case DataType::kFp64: typed = Pack<double>("fp64_contents", c.fp64_contents(), data); break;
    case DataType::kBytes: {
      std::string serialized;
      for (const auto& element : c.bytes_contents()) AppendBytesElement(element, &serialized);
      *data = Buffer::FromString(std::move(serialized));
      typed = {"bytes_contents", c.bytes_contents_size()};
      break;
    }
    default:
      return Status::InvalidArg("input '" + name + "' has datatype " + std::string(DataTypeName(tensor->datatype)) +
                                ", which has no typed contents field; send it in raw_input_contents");
  }
  const char* field = typed.name;
  const int field_count = typed.count;
  if (ContentsSize(c) != static_cast<size_t>(field_count)) {
    return Status::InvalidArg("input '" + name + "' has datatype " + std::string(DataTypeName(tensor->datatype)) +
                              ", whose typed data belongs in '" + field + "'; other contents fields are set");
  }
  if (field_count != count) {
    return Status::InvalidArg("unexpected number of elements in '" + std::string(field) + "' of input '" + name +
                              "': shape " + ShapeToString(tensor->shape) + " needs " + std::to_string(count) +
                              ", got " + std::to_string(field_count));
  }
  return Status::Ok();
}

Status ReadRequestParameters(const inference::ModelInferRequest& proto, GrpcInferRequest* out) {
  for (const auto& [key, value] : proto.parameters()) {
    auto choice = value.parameter_choice_case();
    auto wrong_type = [&](const char* expected) {
      return Status::InvalidArg("request parameter '" + key + "' must be " + expected);
    };
    if (key == "triton_enable_empty_final_response") {
      if (choice != InferParameter::kBoolParam) return wrong_type("a bool_param");
      out->enable_empty_final_response = value.bool_param();
      continue;
    }
    ParameterValue parsed;
    if (key == "sequence_id") {
      if (choice != InferParameter::kInt64Param && choice != InferParameter::kStringParam) {
        return wrong_type("an int64_param or a string_param");
      }
    } else if (key == "sequence_start" || key == "sequence_end") {
      if (choice != InferParameter::kBoolParam) return wrong_type("a bool_param");
    } else if (key == "priority") {
      if (choice != InferParameter::kInt64Param && choice != InferParameter::kUint64Param) {
        return wrong_type("an int64_param or a uint64_param");
      }
    } else if (key == "timeout") {
      if (choice != InferParameter::kInt64Param) return wrong_type("an int64_param");
    } else {
      INFERD_RETURN_IF_ERROR(CheckCustomParameterName(key));
      if (choice == InferParameter::kUint64Param) {
        return Status::InvalidArg("custom request parameter '" + key +
                                  "' cannot be a uint64_param; use int64_param, bool_param, string_param or "
                                  "double_param");
      }
    }
    switch (choice) {
      case InferParameter::kBoolParam: parsed = value.bool_param(); break;
      case InferParameter::kInt64Param: parsed = value.int64_param(); break;
      case InferParameter::kUint64Param: parsed = value.uint64_param(); break;
      case InferParameter::kDoubleParam: parsed = value.double_param(); break;
      case InferParameter::kStringParam: parsed = value.string_param(); break;
      default: return Status::InvalidArg("request parameter '" + key + "' has no value");
    }
    INFERD_RETURN_IF_ERROR(CheckSchedulingParameter(key, parsed));
    // Scheduling parameters are kept with the others; the default scheduler ignores them.
    out->request->parameters.emplace_back(key, std::move(parsed));
  }
  return Status::Ok();
}

using ProtoParameters = google::protobuf::Map<std::string, InferParameter>;

bool UsesSharedMemory(const ProtoParameters& parameters) {
  return parameters.count("shared_memory_region") || parameters.count("shared_memory_offset") ||
         parameters.count("shared_memory_byte_size");
}

// The shared memory parameters of an input or output (`what`): the region,
// the byte size (required with the region) and the offset (default 0).
Status ReadSharedMemoryParameters(const ProtoParameters& parameters, const std::string& what, std::string* region,
                                  uint64_t* offset, uint64_t* byte_size) {
  auto name = parameters.find("shared_memory_region");
  if (name == parameters.end() || name->second.parameter_choice_case() != InferParameter::kStringParam) {
    return Status::InvalidArg("'shared_memory_region' of " + what + " must be a string_param");
  }
  *region = name->second.string_param();
  auto size = parameters.find("shared_memory_byte_size");
  if (size == parameters.end() || size->second.parameter_choice_case() != InferParameter::kInt64Param ||
      size->second.int64_param() < 0) {
    return Status::InvalidArg("'shared_memory_byte_size' of " + what +
                              " must be given as a non-negative int64_param with 'shared_memory_region'");
  }
  *byte_size = static_cast<uint64_t>(size->second.int64_param());
  *offset = 0;
  auto at = parameters.find("shared_memory_offset");
  if (at != parameters.end()) {
    if (at->second.parameter_choice_case() != InferParameter::kInt64Param || at->second.int64_param() < 0) {
      return Status::InvalidArg("'shared_memory_offset' of " + what + " must be a non-negative int64_param");
    }
    *offset = static_cast<uint64_t>(at->second.int64_param());
  }
  return Status::Ok();
}

Status ReadInputs(const std::shared_ptr<const inference::ModelInferRequest>& proto,
                  const SharedMemoryRegistry& shared_memory, GrpcInferRequest* out) {
  const auto& raw = proto->raw_input_contents();
  int next_raw = 0;
  for (const auto& input : proto->inputs()) {
    Tensor tensor;
    tensor.name = input.name();
    tensor.datatype = DataTypeFromName(input.datatype());
    if (tensor.datatype == DataType::kInvalid) {
      return Status::InvalidArg("input '" + input.name() + "' has unknown datatype '" + input.datatype() + "'");
    }
    for (int64_t dim : input.shape()) {
      if (dim < 0) return Status::InvalidArg("'shape' of input '" + input.name() + "' must hold non-negative integers");
      tensor.shape.push_back(dim);
    }
    auto count = ElementCount(tensor.shape);
    if (!count) return Status::InvalidArg("shape of input '" + input.name() + "' is too large");
    if (UsesSharedMemory(input.parameters())) {
      std::string region, what = "input '" + input.name() + "'";
      uint64_t offset = 0, byte_size = 0;
      if (input.has_contents()) {
        return Status::InvalidArg("contents field must not be specified when " + what + " uses shared memory");
      }
      INFERD_RETURN_IF_ERROR(ReadSharedMemoryParameters(input.parameters(), what, &region, &offset, &byte_size));
      INFERD_RETURN_IF_ERROR(shared_memory.InputData(what, region, offset, byte_size, &tensor.data));
    } else if (input.has_contents()) {
      if (!raw.empty()) {
        return Status::InvalidArg("contents field must not be specified when using raw_input_contents for input '" +
                                  input.name() + "'");
      }
      INFERD_RETURN_IF_ERROR(ReadTypedContents(input.contents(), &tensor, *count));
    } else {
      if (next_raw >= raw.size()) {
        return Status::InvalidArg("unable to find data for input tensor '" + input.name() +
                                  "': the request has no raw_input_contents entry left for it");
      }
      const std::string& bytes = raw[next_raw++];
      tensor.data = Buffer(proto, bytes.data(), bytes.size());
    }
    out->request->inputs.push_back(std::move(tensor));
  }
  if (next_raw < raw.size()) {
    return Status::InvalidArg("the request has " + std::to_string(raw.size()) + " raw_input_contents entries but only " +
                              std::to_string(next_raw) + " inputs take their data from them");
  }
  return Status::Ok();
}

Status ReadOutputs(const inference::ModelInferRequest& proto, const SharedMemoryRegistry& shared_memory,
                   GrpcInferRequest* out) {
  for (const auto& output : proto.outputs()) {
    RequestedOutput requested;
    requested.name = output.name();
    if (UsesSharedMemory(output.parameters())) {
      std::string region, what = "output '" + output.name() + "'";
      uint64_t offset = 0, byte_size = 0;
      INFERD_RETURN_IF_ERROR(ReadSharedMemoryParameters(output.parameters(), what, &region, &offset, &byte_size));
      if (output.parameters().count("classification")) {
        return Status::InvalidArg(what + " cannot use both shared memory and the classification extension");
      }
      SharedMemoryOutput target;
      INFERD_RETURN_IF_ERROR(shared_memory.OutputTarget(what, region, offset, byte_size, &target));
      out->shared_memory_outputs[output.name()] = std::move(target);
    }
    auto classes = output.parameters().find("classification");
    if (classes != output.parameters().end()) {
      const InferParameter& value = classes->second;
      if (value.parameter_choice_case() != InferParameter::kInt64Param || value.int64_param() <= 0 ||
          value.int64_param() > std::numeric_limits<uint32_t>::max()) {
        return Status::InvalidArg("'classification' of output '" + output.name() +
                                  "' must be a positive int64_param");
      }
      requested.classification_count = static_cast<uint32_t>(value.int64_param());
    }
    out->request->outputs.push_back(std::move(requested));
  }
  return Status::Ok();
}

}  // namespace

Status ReadGrpcInferRequest(std::shared_ptr<const inference::ModelInferRequest> proto,
                            const SharedMemoryRegistry& shared_memory, GrpcInferRequest* out) {
  out->request = std::make_unique<InferenceRequest>();
  out->request->model_name = proto->model_name();
  INFERD_RETURN_IF_ERROR(ParseModelVersion(proto->model_version(), &out->request->model_version));
  out->request->id = proto->id();
  INFERD_RETURN_IF_ERROR(ReadRequestParameters(*proto, out));
  INFERD_RETURN_IF_ERROR(ReadInputs(proto, shared_memory, out));
  return ReadOutputs(*proto, shared_memory, out);
}

}  // namespace inferd
