#include "backends/onnxruntime/onnxruntime_instance.h"

#include <cstdint>
#include <cstring>
#include <optional>

#include "backends/onnxruntime/onnxruntime_io_match.h"
#include "backends/onnxruntime/ort_session.h"
#include "backends/onnxruntime/ort_types.h"

namespace inferd::ort {
namespace {

// Where zero-byte inputs point: ONNX Runtime wants a non-null data pointer.
alignas(16) char kEmptyData[16];

// Fills the -1 of `pattern` (at most one) so it holds `count` elements.
bool Resolve(const Shape& pattern, int64_t count, Shape* out) {
  int64_t known = 1;
  int open = 0;
  for (int64_t dim : pattern) {
    if (dim == -1) {
      ++open;
    } else {
      known *= dim;
    }
  }
  *out = pattern;
  if (open == 0) return known == count;
  if (open > 1) return false;
  if (known == 0) return count == 0;
  if (count % known != 0) return false;
  for (int64_t& dim : *out) {
    if (dim == -1) dim = count / known;
  }
  return true;
}

template <typename Entry>
void SetMapping(const Entry& entry, const ModelTensor& model, bool batching, auto* mapping) {
  mapping->config_dims.assign(entry.dims().begin(), entry.dims().end());
  mapping->reshape = entry.has_reshape();
  if (mapping->reshape) {
    mapping->model_dims.assign(entry.reshape().shape().begin(), entry.reshape().shape().end());
  }
  mapping->scalar =
      !batching && !mapping->reshape && model.dims.empty() && mapping->config_dims == Shape{1};
}

}  // namespace

Status OnnxRuntimeInstance::Create(std::shared_ptr<const OrtLibrary> library, const ModelSpec& spec,
                                   const InstanceSpec& instance,
                                   std::unique_ptr<ModelInstance>* out) {
  INFERD_RETURN_IF_ERROR(CheckCpuInstance(spec, instance));
  if (spec.config == nullptr) {
    return Status::Internal("model '" + spec.model_name + "': no configuration to load with");
  }
  const inference::ModelConfig& config = *spec.config;
  std::string file;
  INFERD_RETURN_IF_ERROR(ResolveModelFile(spec, &file));

  std::unique_ptr<OnnxRuntimeInstance> self(new OnnxRuntimeInstance(library, spec.model_name));
  const OrtApi& api = self->api_;
  INFERD_RETURN_IF_ERROR(OpenSession(*library, spec.model_name, file, config,
                                     SessionPurpose::kServe, &self->session_));
  ModelSignature signature;
  INFERD_RETURN_IF_ERROR(ReadSignature(api, spec.model_name, self->session_.get(), &signature));
  INFERD_RETURN_IF_ERROR(CheckConfigAgainstModel(spec.model_name, config, signature));

  const std::string prefix = "model '" + spec.model_name + "': ";
  OrtMemoryInfo* memory = nullptr;
  INFERD_RETURN_IF_ORT_ERROR(
      api, api.CreateCpuMemoryInfo(AllocatorType::kDevice, MemType::kDefault, &memory), prefix);
  self->cpu_memory_ = Own(api, memory);
  INFERD_RETURN_IF_ORT_ERROR(api, api.GetAllocatorWithDefaultOptions(&self->allocator_), prefix);
  INFERD_RETURN_IF_ERROR(self->Bind(config, signature));
  *out = std::move(self);
  return Status::Ok();
}

Status OnnxRuntimeInstance::Bind(const inference::ModelConfig& config,
                                 const ModelSignature& signature) {
  batching_ = config.max_batch_size() > 0;
  for (const inference::ModelInput& input : config.input()) {
    const ModelTensor* model = FindTensor(signature.inputs, input.name());
    InputBinding& binding = inputs_[input.name()];
    binding.name = input.name();
    binding.datatype = model->datatype;
    SetMapping(input, *model, batching_, &binding.mapping);
  }
  for (const std::string& name : ImplicitInputNames(config)) {
    const ModelTensor* model = FindTensor(signature.inputs, name);
    if (model == nullptr || inputs_.count(name) != 0) continue;
    if (model->datatype == DataType::kInvalid) {
      return Status::Unsupported("model '" + model_name_ + "', input '" + name +
                                 "': the model's type " + model->type_name +
                                 " cannot be served by inferd");
    }
    InputBinding& binding = inputs_[name];
    binding.name = name;
    binding.datatype = model->datatype;
  }
  for (const inference::ModelOutput& output : config.output()) {
    const ModelTensor* model = FindTensor(signature.outputs, output.name());
    OutputBinding& binding = outputs_[output.name()];
    binding.name = output.name();
    SetMapping(output, *model, batching_, &binding.mapping);
  }
  for (const std::string& name : ImplicitOutputNames(config)) {
    if (FindTensor(signature.outputs, name) == nullptr || outputs_.count(name) != 0) continue;
    outputs_[name].name = name;
  }
  return Status::Ok();
}

Status OnnxRuntimeInstance::Failure(OrtStatus* status) const {
  return ToStatus(api_, status, "onnxruntime execute failure for model '" + model_name_ + "': ",
                  StatusCode::kInternal);
}

bool OnnxRuntimeInstance::ReshapeItems(const Shape& shape, const Shape& item_dims, Shape* out) const {
  if (batching_ && shape.empty()) return false;
  Shape item(shape.begin() + (batching_ ? 1 : 0), shape.end());
  std::optional<int64_t> count = ElementCount(item);
  Shape resolved;
  if (!count || !Resolve(item_dims, *count, &resolved)) return false;
  out->clear();
  if (batching_) out->push_back(shape[0]);
  out->insert(out->end(), resolved.begin(), resolved.end());
  return true;
}

Status OnnxRuntimeInstance::ModelShape(const std::string& name, const ShapeMapping& mapping,
                                       const Shape& api_shape, Shape* out) const {
  if (mapping.scalar) {
    out->clear();
    return Status::Ok();
  }
  if (!mapping.reshape) {
    *out = api_shape;
    return Status::Ok();
  }
  if (!ReshapeItems(api_shape, mapping.model_dims, out)) {
    return Status::InvalidArg("model '" + model_name_ + "', input '" + name + "': shape " +
                              ShapeToString(api_shape) + " cannot be reshaped to " +
                              ShapeToString(mapping.model_dims));
  }
  return Status::Ok();
}

Status OnnxRuntimeInstance::ApiShape(const std::string& name, const ShapeMapping& mapping,
                                     const Shape& model_shape, Shape* out) const {
  if (mapping.scalar) {
    *out = {1};
    return Status::Ok();
  }
  if (!mapping.reshape) {
    *out = model_shape;
    return Status::Ok();
  }
  if (!ReshapeItems(model_shape, mapping.config_dims, out)) {
    return Status::Internal("model '" + model_name_ + "', output '" + name +
                            "': the model produced shape " + ShapeToString(model_shape) +
                            ", which does not reshape to the configured dims " +
                            ShapeToString(mapping.config_dims));
  }
  return Status::Ok();
}

Status OnnxRuntimeInstance::MakeStringValue(const Tensor& tensor, const Shape& shape, int64_t count,
                                            Owned<OrtValue>* out) const {
  std::vector<std::string_view> elements;
  INFERD_RETURN_IF_ERROR(SplitBytesElements(
      tensor.name, std::string_view(tensor.data.data(), tensor.data.size()), count, &elements));
  OrtValue* raw = nullptr;
  OrtStatus* status = api_.CreateTensorAsOrtValue(allocator_, shape.data(), shape.size(),
                                                  ElementType::kString, &raw);
  if (status != nullptr) return Failure(status);
  Owned<OrtValue> value = Own(api_, raw);
  for (size_t i = 0; i < elements.size(); ++i) {
    char* buffer = nullptr;
    status = api_.GetResizedStringTensorElementBuffer(value.get(), i, elements[i].size(), &buffer);
    if (status != nullptr) return Failure(status);
    if (!elements[i].empty()) std::memcpy(buffer, elements[i].data(), elements[i].size());
  }
  *out = std::move(value);
  return Status::Ok();
}

Status OnnxRuntimeInstance::MakeInputValue(const Tensor& tensor, const InputBinding& binding,
                                           std::vector<std::unique_ptr<char[]>>* copies,
                                           Owned<OrtValue>* out) const {
  if (tensor.datatype != binding.datatype) {
    return Status::InvalidArg("model '" + model_name_ + "', input '" + tensor.name +
                              "': expected datatype " +
                              std::string(DataTypeName(binding.datatype)) + ", got " +
                              std::string(DataTypeName(tensor.datatype)));
  }
  std::optional<int64_t> count = ElementCount(tensor.shape);
  if (!count) {
    return Status::InvalidArg("model '" + model_name_ + "', input '" + tensor.name +
                              "': invalid shape " + ShapeToString(tensor.shape));
  }
  Shape shape;
  INFERD_RETURN_IF_ERROR(ModelShape(tensor.name, binding.mapping, tensor.shape, &shape));
  if (tensor.datatype == DataType::kBytes) return MakeStringValue(tensor, shape, *count, out);

  const size_t element_size = DataTypeByteSize(tensor.datatype);
  const size_t bytes = static_cast<size_t>(*count) * element_size;
  if (tensor.data.size() != bytes) {
    return Status::InvalidArg(
        "model '" + model_name_ + "', input '" + tensor.name + "': shape " +
        ShapeToString(tensor.shape) + " of " + std::string(DataTypeName(tensor.datatype)) +
        " needs " + std::to_string(bytes) + " bytes, got " + std::to_string(tensor.data.size()));
  }
  // ONNX Runtime reads inputs only; the const_cast is for its C signature.
  char* data = const_cast<char*>(tensor.data.data());
  if (bytes == 0) {
    data = kEmptyData;
  } else if (reinterpret_cast<uintptr_t>(data) % element_size != 0) {
    // new[] memory is aligned for any fundamental type.
    copies->push_back(std::make_unique_for_overwrite<char[]>(bytes));
    std::memcpy(copies->back().get(), data, bytes);
    data = copies->back().get();
  }
  OrtValue* raw = nullptr;
  OrtStatus* status =
      api_.CreateTensorWithDataAsOrtValue(cpu_memory_.get(), data, bytes, shape.data(),
                                          shape.size(), ToElementType(tensor.datatype), &raw);
  if (status != nullptr) return Failure(status);
  *out = Own(api_, raw);
  return Status::Ok();
}

Status OnnxRuntimeInstance::ReadOutput(Owned<OrtValue> value, const OutputBinding& binding,
                                       Tensor* out) const {
  if (value == nullptr) {
    return Status::Internal("onnxruntime execute failure for model '" + model_name_ +
                            "': no value for output '" + binding.name + "'");
  }
  ValueKind kind = ValueKind::kUnknown;
  if (OrtStatus* status = api_.GetValueType(value.get(), &kind)) return Failure(status);
  if (kind != ValueKind::kTensor) {
    return Status::Unsupported("model '" + model_name_ + "', output '" + binding.name +
                               "' is not a tensor and cannot be returned");
  }
  OrtTensorTypeAndShapeInfo* raw_info = nullptr;
  if (OrtStatus* status = api_.GetTensorTypeAndShape(value.get(), &raw_info)) {
    return Failure(status);
  }
  Owned<OrtTensorTypeAndShapeInfo> info = Own(api_, raw_info);
  ElementType element = ElementType::kUndefined;
  size_t rank = 0;
  size_t count = 0;
  if (OrtStatus* status = api_.GetTensorElementType(info.get(), &element)) return Failure(status);
  if (OrtStatus* status = api_.GetDimensionsCount(info.get(), &rank)) return Failure(status);
  Shape model_shape(rank);
  if (OrtStatus* status = api_.GetDimensions(info.get(), model_shape.data(), rank)) {
    return Failure(status);
  }
  if (OrtStatus* status = api_.GetTensorShapeElementCount(info.get(), &count)) {
    return Failure(status);
  }
  const DataType datatype = ToDataType(element);
  if (datatype == DataType::kInvalid) {
    return Status::Unsupported("model '" + model_name_ + "', output '" + binding.name +
                               "' has type " + std::string(ElementTypeName(element)) +
                               ", which inferd cannot return");
  }
  out->name = binding.name;
  out->datatype = datatype;
  INFERD_RETURN_IF_ERROR(ApiShape(binding.name, binding.mapping, model_shape, &out->shape));

  if (datatype == DataType::kBytes) {
    size_t total = 0;
    if (OrtStatus* status = api_.GetStringTensorDataLength(value.get(), &total)) {
      return Failure(status);
    }
    std::string content(total, '\0');
    std::vector<size_t> offsets(count);
    if (count > 0) {
      if (OrtStatus* status = api_.GetStringTensorContent(value.get(), content.data(), total,
                                                          offsets.data(), count)) {
        return Failure(status);
      }
    }
    std::string serialized;
    serialized.reserve(total + count * sizeof(uint32_t));
    std::string_view all(content);
    for (size_t i = 0; i < count; ++i) {
      size_t end = i + 1 < count ? offsets[i + 1] : total;
      AppendBytesElement(all.substr(offsets[i], end - offsets[i]), &serialized);
    }
    out->data = Buffer::FromString(std::move(serialized));
    return Status::Ok();
  }

  void* data = nullptr;
  if (OrtStatus* status = api_.GetTensorMutableData(value.get(), &data)) return Failure(status);
  const size_t bytes = count * DataTypeByteSize(datatype);
  // The Buffer owns the OrtValue; the library stays loaded and its
  // environment alive until the last such Buffer is gone.
  std::shared_ptr<const OrtLibrary> library = library_;
  std::shared_ptr<const void> owner(value.release(),
                                    [library](OrtValue* v) { library->api().ReleaseValue(v); });
  out->data = Buffer(std::move(owner), static_cast<const char*>(data), bytes);
  return Status::Ok();
}

Status OnnxRuntimeInstance::Execute(const std::vector<Tensor>& inputs,
                                    const std::vector<std::string>& output_names,
                                    std::vector<Tensor>* outputs) {
  std::vector<Owned<OrtValue>> input_values;
  std::vector<const OrtValue*> input_pointers;
  std::vector<const char*> input_cnames;
  std::vector<std::unique_ptr<char[]>> copies;  // aligned copies, alive until Run returns
  input_values.reserve(inputs.size());
  input_pointers.reserve(inputs.size());
  input_cnames.reserve(inputs.size());
  for (const Tensor& tensor : inputs) {
    auto it = inputs_.find(tensor.name);
    if (it == inputs_.end()) {
      return Status::InvalidArg("model '" + model_name_ + "' has no input '" + tensor.name + "'");
    }
    Owned<OrtValue> value;
    INFERD_RETURN_IF_ERROR(MakeInputValue(tensor, it->second, &copies, &value));
    input_pointers.push_back(value.get());
    input_values.push_back(std::move(value));
    input_cnames.push_back(it->second.name.c_str());
  }

  std::vector<const OutputBinding*> bindings;
  std::vector<const char*> output_cnames;
  bindings.reserve(output_names.size());
  output_cnames.reserve(output_names.size());
  for (const std::string& name : output_names) {
    auto it = outputs_.find(name);
    if (it == outputs_.end()) {
      return Status::InvalidArg("model '" + model_name_ + "' has no output '" + name + "'");
    }
    bindings.push_back(&it->second);
    output_cnames.push_back(it->second.name.c_str());
  }

  std::vector<OrtValue*> raw_outputs(output_names.size(), nullptr);
  OrtStatus* status = api_.Run(session_.get(), nullptr, input_cnames.data(), input_pointers.data(),
                               input_pointers.size(), output_cnames.data(), output_cnames.size(),
                               raw_outputs.data());
  // Own whatever came back before anything can return early.
  std::vector<Owned<OrtValue>> output_values;
  output_values.reserve(raw_outputs.size());
  for (OrtValue* raw : raw_outputs) output_values.push_back(Own(api_, raw));
  if (status != nullptr) return Failure(status);

  std::vector<Tensor> results(output_values.size());
  for (size_t i = 0; i < output_values.size(); ++i) {
    INFERD_RETURN_IF_ERROR(ReadOutput(std::move(output_values[i]), *bindings[i], &results[i]));
  }
  *outputs = std::move(results);
  return Status::Ok();
}

}  // namespace inferd::ort
