#include "backends/onnxruntime/onnxruntime_io_match.h"

namespace inferd::ort {
namespace {

std::string Where(const std::string& model_name, std::string_view kind, const std::string& name) {
  return "model '" + model_name + "', " + std::string(kind) + " '" + name + "': ";
}

// True when a configuration's model-side shape agrees with the model's dims.
bool ShapesAgree(const Shape& model, const Shape& config) {
  if (model.empty() && config == Shape{1}) return true;  // scalar stated as [1]
  if (model.size() != config.size()) return false;
  for (size_t i = 0; i < model.size(); ++i) {
    if (model[i] != -1 && config[i] != model[i]) return false;
  }
  return true;
}

}  // namespace

const ModelTensor* FindTensor(const std::vector<ModelTensor>& tensors, std::string_view name) {
  for (const ModelTensor& tensor : tensors) {
    if (tensor.name == name) return &tensor;
  }
  return nullptr;
}

std::string TensorNames(const std::vector<ModelTensor>& tensors) {
  std::string names;
  for (const ModelTensor& tensor : tensors) {
    if (!names.empty()) names += ", ";
    names += "'" + tensor.name + "'";
  }
  return names.empty() ? "none" : names;
}

Shape ConfigDimsFor(const ModelTensor& tensor, bool batching, bool* empty_reshape) {
  Shape dims = tensor.dims;
  if (batching && !dims.empty()) dims.erase(dims.begin());
  *empty_reshape = false;
  if (dims.empty()) {
    dims = {1};
    *empty_reshape = batching;
  }
  return dims;
}

Shape ModelSideShape(const Shape& dims, const inference::ModelTensorReshape* reshape,
                     bool batching) {
  Shape shape = reshape != nullptr ? Shape(reshape->shape().begin(), reshape->shape().end()) : dims;
  if (batching) shape.insert(shape.begin(), -1);
  return shape;
}

Status CheckTensor(const std::string& model_name, std::string_view kind, const ModelTensor& model,
                   inference::DataType config_type, const Shape& dims,
                   const inference::ModelTensorReshape* reshape, int max_batch_size) {
  const std::string where = Where(model_name, kind, model.name);
  if (model.datatype == DataType::kInvalid) {
    return Status::Unsupported(where + "the model's type " + model.type_name +
                               " cannot be served by inferd");
  }
  auto configured = static_cast<DataType>(config_type);
  if (configured != model.datatype) {
    return Status::InvalidArg(where + "configuration data_type is " +
                              std::string(DataTypeConfigName(configured)) + " but the model has " +
                              std::string(DataTypeConfigName(model.datatype)));
  }
  const bool batching = max_batch_size > 0;
  if (batching && (model.dims.empty() || model.dims[0] != -1)) {
    return Status::InvalidArg(where + "max_batch_size is " + std::to_string(max_batch_size) +
                              ", which needs a variable first dimension, but the model's shape "
                              "is " +
                              ShapeToString(model.dims) + "; set max_batch_size to 0");
  }
  Shape expected = ModelSideShape(dims, reshape, batching);
  if (!ShapesAgree(model.dims, expected)) {
    std::string stated = "dims " + ShapeToString(dims);
    if (reshape != nullptr) {
      stated +=
          " with reshape " + ShapeToString(Shape(reshape->shape().begin(), reshape->shape().end()));
    }
    if (batching) stated += " after the batch dimension";
    return Status::InvalidArg(where + "configuration " + stated + " gives the model shape " +
                              ShapeToString(expected) + " but the model's shape is " +
                              ShapeToString(model.dims));
  }
  return Status::Ok();
}

std::vector<std::string> ImplicitInputNames(const inference::ModelConfig& config) {
  std::vector<std::string> names;
  for (const auto& control : config.sequence_batching().control_input()) {
    names.push_back(control.name());
  }
  for (const auto& state : config.sequence_batching().state()) {
    names.push_back(state.input_name());
  }
  for (const auto& batch_input : config.batch_input()) {
    names.insert(names.end(), batch_input.target_name().begin(), batch_input.target_name().end());
  }
  return names;
}

std::vector<std::string> ImplicitOutputNames(const inference::ModelConfig& config) {
  std::vector<std::string> names;
  for (const auto& state : config.sequence_batching().state()) {
    names.push_back(state.output_name());
  }
  return names;
}

bool Contains(const std::vector<std::string>& names, std::string_view name) {
  for (const std::string& candidate : names) {
    if (candidate == name) return true;
  }
  return false;
}

Status CheckConfigAgainstModel(const std::string& model_name, const inference::ModelConfig& config,
                               const ModelSignature& signature) {
  const int max_batch_size = config.max_batch_size();
  for (const inference::ModelInput& input : config.input()) {
    const ModelTensor* model = FindTensor(signature.inputs, input.name());
    if (model == nullptr) {
      return Status::InvalidArg(
          "model '" + model_name + "': configuration input '" + input.name() +
          "' is not an input of the model (model inputs: " + TensorNames(signature.inputs) + ")");
    }
    INFERD_RETURN_IF_ERROR(CheckTensor(model_name, "input", *model, input.data_type(),
                                       Shape(input.dims().begin(), input.dims().end()),
                                       input.has_reshape() ? &input.reshape() : nullptr,
                                       max_batch_size));
  }
  const std::vector<std::string> implicit = ImplicitInputNames(config);
  for (const ModelTensor& model : signature.inputs) {
    bool listed = Contains(implicit, model.name);
    for (const inference::ModelInput& input : config.input()) listed |= input.name() == model.name;
    if (!listed) {
      return Status::InvalidArg("model '" + model_name + "': the model's input '" + model.name +
                                "' is missing from the configuration");
    }
  }
  for (const inference::ModelOutput& output : config.output()) {
    const ModelTensor* model = FindTensor(signature.outputs, output.name());
    if (model == nullptr) {
      return Status::InvalidArg("model '" + model_name + "': configuration output '" +
                                output.name() + "' is not an output of the model (model outputs: " +
                                TensorNames(signature.outputs) + ")");
    }
    INFERD_RETURN_IF_ERROR(CheckTensor(model_name, "output", *model, output.data_type(),
                                       Shape(output.dims().begin(), output.dims().end()),
                                       output.has_reshape() ? &output.reshape() : nullptr,
                                       max_batch_size));
  }
  return Status::Ok();
}

}  // namespace inferd::ort
