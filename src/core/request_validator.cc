#include "core/request_validator.h"

#include <algorithm>
#include <set>

namespace inferd {
namespace {

std::string Quoted(const std::vector<std::string>& names) {
  std::string text = "[";
  for (size_t i = 0; i < names.size(); ++i) text += (i ? ", '" : "'") + names[i] + "'";
  return text + "]";
}

const inference::ModelInput* FindInput(const inference::ModelConfig& config, const std::string& name) {
  for (const auto& input : config.input()) {
    if (input.name() == name) return &input;
  }
  return nullptr;
}

const inference::ModelOutput* FindOutput(const inference::ModelConfig& config, const std::string& name) {
  for (const auto& output : config.output()) {
    if (output.name() == name) return &output;
  }
  return nullptr;
}

Status CheckInputSet(const inference::ModelConfig& config, const InferenceRequest& request) {
  std::set<std::string> seen;
  std::vector<std::string> given;
  for (const auto& tensor : request.inputs) {
    if (!FindInput(config, tensor.name)) {
      return Status::InvalidArg("unexpected inference input '" + tensor.name + "' for model '" + config.name() + "'");
    }
    if (!seen.insert(tensor.name).second) {
      return Status::InvalidArg("input '" + tensor.name + "' is given more than once for model '" + config.name() +
                                "'");
    }
    given.push_back(tensor.name);
  }
  std::vector<std::string> missing;
  int required = 0;
  for (const auto& input : config.input()) {
    if (input.optional()) continue;
    ++required;
    if (!seen.count(input.name())) missing.push_back(input.name());
  }
  if (!missing.empty()) {
    return Status::InvalidArg("expected " + std::to_string(required) + " inputs but got " +
                              std::to_string(request.inputs.size()) + " inputs for model '" + config.name() +
                              "'. Got input(s) " + Quoted(given) + ", but missing required input(s) " +
                              Quoted(missing) + ". Please provide all required input(s).");
  }
  return Status::Ok();
}

Status CheckBatch(const inference::ModelConfig& config, const InferenceRequest& request) {
  if (config.max_batch_size() == 0 || request.inputs.empty()) return Status::Ok();
  int64_t batch = -1;
  for (const auto& tensor : request.inputs) {
    if (tensor.shape.empty()) {
      return Status::InvalidArg("input '" + tensor.name + "' for model '" + config.name() +
                                "' must have a batch dimension: the model has max_batch_size " +
                                std::to_string(config.max_batch_size()));
    }
    if (batch >= 0 && tensor.shape[0] != batch) {
      return Status::InvalidArg("inputs of model '" + config.name() + "' must all have the same batch size, got " +
                                std::to_string(batch) + " and " + std::to_string(tensor.shape[0]) + " for input '" +
                                tensor.name + "'");
    }
    batch = tensor.shape[0];
  }
  if (batch < 1 || batch > config.max_batch_size()) {
    return Status::InvalidArg("inference request batch-size must be <= " + std::to_string(config.max_batch_size()) +
                              " for '" + config.name() + "', got " + std::to_string(batch));
  }
  return Status::Ok();
}

Status CheckInput(const inference::ModelConfig& config, const inference::ModelInput& spec, Tensor* tensor) {
  auto expected_type = static_cast<DataType>(spec.data_type());
  if (tensor->datatype != expected_type) {
    return Status::InvalidArg("inference input '" + tensor->name + "' data-type is '" +
                              std::string(DataTypeName(tensor->datatype)) + "', but model '" + config.name() +
                              "' expects '" + std::string(DataTypeName(expected_type)) + "'");
  }
  Shape pattern = ApiShape(spec.dims(), config.max_batch_size() > 0);
  if (!ShapeMatches(pattern, tensor->shape)) {
    return Status::InvalidArg("unexpected shape for input '" + tensor->name + "' for model '" + config.name() +
                              "'. Expected " + ShapeToString(pattern) + ", got " + ShapeToString(tensor->shape));
  }
  auto count = ElementCount(tensor->shape);
  if (!count) return Status::InvalidArg("shape of input '" + tensor->name + "' is too large");
  if (tensor->datatype == DataType::kBytes) {
    std::vector<std::string_view> elements;
    INFERD_RETURN_IF_ERROR(SplitBytesElements(
        tensor->name, std::string_view(tensor->data.data(), tensor->data.size()), *count, &elements));
  } else {
    uint64_t expected = static_cast<uint64_t>(*count) * DataTypeByteSize(tensor->datatype);
    if (tensor->data.size() != expected) {
      return Status::InvalidArg("input byte size mismatch for input '" + tensor->name + "' for model '" +
                                config.name() + "'. Expected " + std::to_string(expected) + ", got " +
                                std::to_string(tensor->data.size()));
    }
  }
  return Status::Ok();
}

Status CheckOutputs(const inference::ModelConfig& config, const InferenceRequest& request,
                    std::vector<std::string>* output_names) {
  output_names->clear();
  if (request.outputs.empty()) {
    for (const auto& output : config.output()) output_names->push_back(output.name());
    return Status::Ok();
  }
  for (const auto& requested : request.outputs) {
    if (!FindOutput(config, requested.name)) {
      return Status::InvalidArg("unexpected inference output '" + requested.name + "' for model '" + config.name() +
                                "'");
    }
    if (std::find(output_names->begin(), output_names->end(), requested.name) != output_names->end()) {
      return Status::InvalidArg("output '" + requested.name + "' is requested more than once for model '" +
                                config.name() + "'");
    }
    output_names->push_back(requested.name);
  }
  return Status::Ok();
}

}  // namespace

Status ValidateRequest(const inference::ModelConfig& config, InferenceRequest* request,
                       std::vector<std::string>* output_names) {
  INFERD_RETURN_IF_ERROR(CheckInputSet(config, *request));
  INFERD_RETURN_IF_ERROR(CheckBatch(config, *request));
  for (auto& tensor : request->inputs) {
    INFERD_RETURN_IF_ERROR(CheckInput(config, *FindInput(config, tensor.name), &tensor));
  }
  return CheckOutputs(config, *request, output_names);
}

uint64_t RequestBatchSize(const InferenceRequest& request, bool model_batches) {
  if (!model_batches || request.inputs.empty() || request.inputs[0].shape.empty()) return 1;
  return static_cast<uint64_t>(request.inputs[0].shape[0]);
}

}  // namespace inferd
