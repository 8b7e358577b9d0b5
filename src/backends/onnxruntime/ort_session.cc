#include "backends/onnxruntime/ort_session.h"

#include <filesystem>
#include <system_error>

#include "backends/onnxruntime/ort_types.h"
#include "backends/model_file.h"

namespace inferd::ort {
namespace {

constexpr const char* kDefaultFileName = "model.onnx";

using NameFn = OrtStatus* (OrtApi::*)(const OrtSession*, size_t, OrtAllocator*, char**) const;
using TypeInfoFn = OrtStatus* (OrtApi::*)(const OrtSession*, size_t, OrtTypeInfo**) const;

std::string KindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kSequence: return "SEQUENCE";
    case ValueKind::kMap: return "MAP";
    case ValueKind::kOpaque: return "OPAQUE";
    case ValueKind::kSparseTensor: return "SPARSE_TENSOR";
    case ValueKind::kOptional: return "OPTIONAL";
    default: return "UNKNOWN";
  }
}

// Fills `tensor` (all but the name) from a tensor type description.
Status ReadTensorInfo(const OrtApi& api, const OrtTensorTypeAndShapeInfo* info,
                      const std::string& prefix, ModelTensor* tensor) {
  ElementType element = ElementType::kUndefined;
  INFERD_RETURN_IF_ORT_ERROR(api, api.GetTensorElementType(info, &element), prefix);
  tensor->datatype = ToDataType(element);
  tensor->type_name = std::string(ElementTypeName(element));
  size_t rank = 0;
  INFERD_RETURN_IF_ORT_ERROR(api, api.GetDimensionsCount(info, &rank), prefix);
  tensor->dims.assign(rank, -1);
  if (rank == 0) return Status::Ok();
  INFERD_RETURN_IF_ORT_ERROR(api, api.GetDimensions(info, tensor->dims.data(), rank), prefix);
  std::vector<const char*> symbols(rank, nullptr);
  INFERD_RETURN_IF_ORT_ERROR(api, api.GetSymbolicDimensions(info, symbols.data(), rank), prefix);
  for (size_t i = 0; i < rank; ++i) {
    // Symbolic (named) and unknown dimensions are variable.
    bool named = symbols[i] != nullptr && symbols[i][0] != '\0';
    if (named || tensor->dims[i] < 0) tensor->dims[i] = -1;
  }
  return Status::Ok();
}

Status ReadOne(const OrtApi& api, const OrtSession* session, size_t index, NameFn name_fn,
               TypeInfoFn type_fn, const std::string& prefix, ModelTensor* tensor) {
  OrtAllocator* allocator = nullptr;
  INFERD_RETURN_IF_ORT_ERROR(api, api.GetAllocatorWithDefaultOptions(&allocator), prefix);
  char* name = nullptr;
  INFERD_RETURN_IF_ORT_ERROR(api, (api.*name_fn)(session, index, allocator, &name), prefix);
  tensor->name = name;
  INFERD_RETURN_IF_ORT_ERROR(api, api.AllocatorFree(allocator, name), prefix);

  OrtTypeInfo* raw_type = nullptr;
  INFERD_RETURN_IF_ORT_ERROR(api, (api.*type_fn)(session, index, &raw_type), prefix);
  Owned<OrtTypeInfo> type_info = Own(api, raw_type);
  ValueKind kind = ValueKind::kUnknown;
  INFERD_RETURN_IF_ORT_ERROR(api, api.GetOnnxTypeFromTypeInfo(type_info.get(), &kind), prefix);
  if (kind != ValueKind::kTensor) {
    tensor->datatype = DataType::kInvalid;
    tensor->type_name = KindName(kind);
    tensor->dims.clear();
    return Status::Ok();
  }
  const OrtTensorTypeAndShapeInfo* info = nullptr;  // points into type_info
  INFERD_RETURN_IF_ORT_ERROR(api, api.CastTypeInfoToTensorInfo(type_info.get(), &info), prefix);
  return ReadTensorInfo(api, info, prefix, tensor);
}

}  // namespace

Status ResolveModelFile(const ModelSpec& spec, std::string* file) {
  return inferd::ResolveModelFile(spec, kDefaultFileName, "ONNX", file);
}

Status OpenSession(const OrtLibrary& library, const std::string& model_name,
                   const std::string& file, const inference::ModelConfig& config,
                   SessionPurpose purpose, Owned<OrtSession>* out) {
  const OrtApi& api = library.api();
  Owned<OrtSessionOptions> options;
  INFERD_RETURN_IF_ERROR(MakeSessionOptions(library, model_name, config, purpose, &options));
  OrtSession* session = nullptr;
  INFERD_RETURN_IF_ERROR(
      ToStatus(api, api.CreateSession(library.env(), file.c_str(), options.get(), &session),
               "model '" + model_name + "': onnxruntime cannot load '" + file + "': ",
               StatusCode::kInvalidArg));
  *out = Own(api, session);
  return Status::Ok();
}

Status ReadSignature(const OrtApi& api, const std::string& model_name, const OrtSession* session,
                     ModelSignature* out) {
  const std::string prefix = "model '" + model_name + "': cannot read model inputs/outputs: ";
  size_t input_count = 0;
  size_t output_count = 0;
  INFERD_RETURN_IF_ORT_ERROR(api, api.SessionGetInputCount(session, &input_count), prefix);
  INFERD_RETURN_IF_ORT_ERROR(api, api.SessionGetOutputCount(session, &output_count), prefix);
  ModelSignature signature;
  signature.inputs.resize(input_count);
  signature.outputs.resize(output_count);
  for (size_t i = 0; i < input_count; ++i) {
    INFERD_RETURN_IF_ERROR(ReadOne(api, session, i, &OrtApi::SessionGetInputName,
                                   &OrtApi::SessionGetInputTypeInfo, prefix, &signature.inputs[i]));
  }
  for (size_t i = 0; i < output_count; ++i) {
    INFERD_RETURN_IF_ERROR(ReadOne(api, session, i, &OrtApi::SessionGetOutputName,
                                   &OrtApi::SessionGetOutputTypeInfo, prefix,
                                   &signature.outputs[i]));
  }
  *out = std::move(signature);
  return Status::Ok();
}

}  // namespace inferd::ort
