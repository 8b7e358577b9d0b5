#include "backends/pytorch/pytorch_instance.h"

#include <cstdint>
#include <cstring>
#include <optional>

#include <torch/csrc/jit/runtime/graph_executor.h>

#include "backends/pytorch/torch_module.h"
#include "backends/pytorch/torch_types.h"

namespace inferd::pytorch {
namespace {

std::string TypeName(DataType type) { return std::string(DataTypeName(type)); }

template <typename Entry>
Status CheckEntry(const std::string& model_name, const char* kind, const Entry& entry) {
  const std::string prefix = "model '" + model_name + "', " + kind + " '" + entry.name() + "': ";
  const auto type = static_cast<DataType>(entry.data_type());
  if (!ToScalarType(type)) {
    return Status::Unsupported(prefix + "datatype " + TypeName(type) +
                               " has no libtorch tensor type (supported: BOOL, UINT8, INT8, INT16, "
                               "INT32, INT64, FP16, BF16, FP32, FP64)");
  }
  return Status::Ok();
}

}  // namespace

Status PyTorchInstance::Create(const ModelSpec& spec, const InstanceSpec& instance,
                               const TorchOptions& options, std::shared_ptr<ForwardThreads> forward_threads,
                               std::unique_ptr<ModelInstance>* out) {
  INFERD_RETURN_IF_ERROR(CheckCpuInstance(spec, instance));
  if (spec.config == nullptr) {
    return Status::Internal("model '" + spec.model_name + "': no configuration to load with");
  }
  std::string file;
  INFERD_RETURN_IF_ERROR(ResolveModelFile(spec, &file));
  std::unique_ptr<PyTorchInstance> self(new PyTorchInstance(spec.model_name, options, std::move(forward_threads)));
  // Freezing and optimising run libtorch kernels: on a forward thread too.
  Status loaded;
  self->forward_threads_->Run(
      [&] { loaded = LoadModule(spec.model_name, file, options.freeze_and_optimize, &self->module_); });
  INFERD_RETURN_IF_ERROR(loaded);
  INFERD_RETURN_IF_ERROR(self->Bind(*spec.config));
  *out = std::move(self);
  return Status::Ok();
}

Status PyTorchInstance::Bind(const inference::ModelConfig& config) {
  std::vector<ForwardArgument> arguments;
  INFERD_RETURN_IF_ERROR(ForwardArguments(model_name_, module_, &arguments));
  auto method = module_.find_method("forward");
  const auto& schema = method->function().getSchema().arguments();
  for (size_t i = 1; i < schema.size(); ++i) {
    defaults_.push_back(schema[i].default_value().value_or(c10::IValue()));
  }

  std::vector<std::string> names;
  for (const inference::ModelInput& input : config.input()) {
    INFERD_RETURN_IF_ERROR(CheckEntry(model_name_, "input", input));
    names.push_back(input.name());
  }
  std::vector<size_t> positions;
  INFERD_RETURN_IF_ERROR(MapInputNames(model_name_, names, arguments, &positions));
  batching_ = config.max_batch_size() > 0;
  for (int i = 0; i < config.input_size(); ++i) {
    const inference::ModelInput& input = config.input(i);
    InputBinding& binding = inputs_[names[i]];
    binding = {positions[i], static_cast<DataType>(input.data_type()), {}, input.has_reshape()};
    binding.reshape.assign(input.reshape().shape().begin(), input.reshape().shape().end());
  }

  names.clear();
  for (const inference::ModelOutput& output : config.output()) {
    INFERD_RETURN_IF_ERROR(CheckEntry(model_name_, "output", output));
    names.push_back(output.name());
  }
  INFERD_RETURN_IF_ERROR(MapOutputNames(model_name_, names, &positions));
  for (int i = 0; i < config.output_size(); ++i) {
    const inference::ModelOutput& output = config.output(i);
    OutputBinding& binding = outputs_[names[i]];
    binding = {positions[i], static_cast<DataType>(output.data_type()), {}, output.has_reshape()};
    binding.reshape.assign(output.dims().begin(), output.dims().end());
  }
  return Status::Ok();
}

std::vector<int64_t> PyTorchInstance::Reshaped(at::IntArrayRef sizes,
                                              const std::vector<int64_t>& item_shape) const {
  std::vector<int64_t> shape;
  if (batching_ && !sizes.empty()) shape.push_back(sizes[0]);
  shape.insert(shape.end(), item_shape.begin(), item_shape.end());
  return shape;
}

Status PyTorchInstance::MakeInput(const Tensor& tensor, const InputBinding& binding,
                                  at::Tensor* out) const {
  const std::string prefix = "model '" + model_name_ + "', input '" + tensor.name + "': ";
  if (tensor.datatype != binding.datatype) {
    return Status::InvalidArg(prefix + "expected datatype " + TypeName(binding.datatype) +
                              ", got " + TypeName(tensor.datatype));
  }
  std::optional<int64_t> count = ElementCount(tensor.shape);
  if (!count) return Status::InvalidArg(prefix + "invalid shape " + ShapeToString(tensor.shape));
  const size_t element_size = DataTypeByteSize(tensor.datatype);
  const size_t bytes = static_cast<size_t>(*count) * element_size;
  if (tensor.data.size() != bytes) {
    return Status::InvalidArg(prefix + "shape " + ShapeToString(tensor.shape) + " of " +
                              TypeName(tensor.datatype) + " needs " + std::to_string(bytes) +
                              " bytes, got " + std::to_string(tensor.data.size()));
  }
  const auto options = at::TensorOptions().dtype(*ToScalarType(tensor.datatype)).device(at::kCPU);
  const std::vector<int64_t> sizes(tensor.shape.begin(), tensor.shape.end());
  const char* data = tensor.data.data();
  if (bytes == 0 || reinterpret_cast<uintptr_t>(data) % element_size != 0) {
    *out = at::empty(sizes, options);
    if (bytes != 0) std::memcpy(out->data_ptr(), data, bytes);
  } else {
    // No copy: the tensor reads the request's bytes and holds their Buffer.
    // forward does not write its inputs; the const_cast is for from_blob.
    Buffer keep = tensor.data;
    *out = at::from_blob(const_cast<char*>(data), sizes, [keep](void*) mutable { keep = Buffer(); },
                         options);
  }
  if (!binding.has_reshape) return Status::Ok();
  try {
    *out = out->reshape(Reshaped(out->sizes(), binding.reshape));
  } catch (const std::exception& error) {
    return Status::InvalidArg(prefix + "shape " + ShapeToString(tensor.shape) +
                              " does not fit the configured reshape: " + TorchMessage(error));
  }
  return Status::Ok();
}

Status PyTorchInstance::RunForward(std::vector<c10::IValue> arguments, c10::IValue* result) {
  Status status;
  forward_threads_->Run([&] {
    try {
      torch::jit::GraphOptimizerEnabledGuard optimizer(!options_.disable_optimized_execution);
      if (options_.jit_executor) torch::jit::getExecutorMode() = *options_.jit_executor;
      if (options_.jit_profiling) torch::jit::getProfilingMode() = *options_.jit_profiling;
      if (options_.inference_mode) {
        c10::InferenceMode guard;
        *result = module_.forward(std::move(arguments));
      } else {
        torch::NoGradGuard guard;
        *result = module_.forward(std::move(arguments));
      }
    } catch (const std::exception& error) {
      status = Status::Internal("pytorch execute failure for model '" + model_name_ + "': " + TorchMessage(error));
    }
  });
  return status;
}

Status PyTorchInstance::Flatten(const c10::IValue& result, std::vector<at::Tensor>* tensors) const {
  auto unsupported = [&](const std::string& what) {
    return Status::Unsupported("model '" + model_name_ + "': forward returned " + what +
                               "; the pytorch backend serves a tensor, or a tuple or list of tensors");
  };
  if (result.isTensor()) {
    tensors->push_back(result.toTensor());
    return Status::Ok();
  }
  std::vector<c10::IValue> elements;
  if (result.isTuple()) {
    const auto& tuple = result.toTupleRef().elements();
    elements.assign(tuple.begin(), tuple.end());
  } else if (result.isList()) {
    for (const c10::IValue& element : result.toListRef()) elements.push_back(element);
  } else {
    return unsupported("a value of type " + result.tagKind());
  }
  for (const c10::IValue& element : elements) {
    if (!element.isTensor()) return unsupported("a sequence holding a " + element.tagKind());
    tensors->push_back(element.toTensor());
  }
  return Status::Ok();
}

Status PyTorchInstance::MakeOutput(const std::string& name, const OutputBinding& binding,
                                   const std::vector<at::Tensor>& results, Tensor* out) const {
  const std::string prefix = "pytorch execute failure for model '" + model_name_ + "': output '" + name + "' ";
  if (binding.position >= results.size()) {
    return Status::Internal(prefix + "reads element " + std::to_string(binding.position) +
                            " of forward's result, which has " + std::to_string(results.size()) +
                            " tensor(s)");
  }
  at::Tensor tensor = results[binding.position];
  if (binding.has_reshape) {
    try {
      tensor = tensor.reshape(Reshaped(tensor.sizes(), binding.reshape));
    } catch (const std::exception& error) {
      return Status::Internal(prefix + "of shape " + c10::str(tensor.sizes()) +
                              " does not reshape to the configured dims: " + TorchMessage(error));
    }
  }
  tensor = tensor.contiguous();
  const DataType datatype = ToDataType(tensor.scalar_type());
  if (datatype != binding.datatype) {
    return Status::Internal(prefix + "is configured as " + TypeName(binding.datatype) +
                            " but the model produced " +
                            (datatype == DataType::kInvalid ? std::string(c10::toString(tensor.scalar_type()))
                                                            : TypeName(datatype)));
  }
  out->name = name;
  out->datatype = datatype;
  out->shape.assign(tensor.sizes().begin(), tensor.sizes().end());
  auto holder = std::make_shared<at::Tensor>(std::move(tensor));
  const char* data = static_cast<const char*>(holder->data_ptr());
  const size_t bytes = holder->nbytes();
  out->data = Buffer(std::shared_ptr<const void>(holder, holder.get()), data, bytes);
  return Status::Ok();
}

Status PyTorchInstance::Execute(const std::vector<Tensor>& inputs,
                                const std::vector<std::string>& output_names,
                                std::vector<Tensor>* outputs) {
  std::vector<c10::IValue> arguments = defaults_;
  for (const Tensor& tensor : inputs) {
    auto it = inputs_.find(tensor.name);
    if (it == inputs_.end()) {
      return Status::InvalidArg("model '" + model_name_ + "' has no input '" + tensor.name + "'");
    }
    at::Tensor value;
    INFERD_RETURN_IF_ERROR(MakeInput(tensor, it->second, &value));
    arguments[it->second.position] = std::move(value);
  }
  c10::IValue result;
  INFERD_RETURN_IF_ERROR(RunForward(std::move(arguments), &result));
  std::vector<at::Tensor> results;
  INFERD_RETURN_IF_ERROR(Flatten(result, &results));

  std::vector<Tensor> produced(output_names.size());
  for (size_t i = 0; i < output_names.size(); ++i) {
    auto it = outputs_.find(output_names[i]);
    if (it == outputs_.end()) {
      return Status::InvalidArg("model '" + model_name_ + "' has no output '" + output_names[i] + "'");
    }
    INFERD_RETURN_IF_ERROR(MakeOutput(output_names[i], it->second, results, &produced[i]));
  }
  *outputs = std::move(produced);
  return Status::Ok();
}

}  // namespace inferd::pytorch
