#include "backends/onnxruntime/onnxruntime_autocomplete.h"

#include "backends/onnxruntime/onnxruntime_io_match.h"

namespace inferd::ort {
namespace {

bool Servable(const ModelTensor& tensor) { return tensor.datatype != DataType::kInvalid; }

bool HasVariableFirstDim(const ModelTensor& tensor) {
  return !tensor.dims.empty() && tensor.dims[0] == -1;
}

// True when every servable model tensor could take a batch dimension.
bool ModelCanBatch(const ModelSignature& signature) {
  for (const auto* list : {&signature.inputs, &signature.outputs}) {
    for (const ModelTensor& tensor : *list) {
      if (Servable(tensor) && !HasVariableFirstDim(tensor)) return false;
    }
  }
  return true;
}

// Rank of what a configuration entry says the model sees, or -1 when it
// states no dims.
template <typename Entry>
int StatedRank(const Entry& entry) {
  if (entry.has_reshape()) return entry.reshape().shape_size();
  return entry.dims_size() == 0 ? -1 : entry.dims_size();
}

// True when some configuration entry states dims at the model's full rank,
// i.e. the configuration was written without a batch dimension in mind.
template <typename Entries>
bool StatesFullRank(const Entries& entries, const std::vector<ModelTensor>& model) {
  for (const auto& entry : entries) {
    const ModelTensor* tensor = FindTensor(model, entry.name());
    if (tensor == nullptr) continue;
    int rank = StatedRank(entry);
    if (rank >= 0 && rank == static_cast<int>(tensor->dims.size())) return true;
  }
  return false;
}

Status DecideBatching(const std::string& model_name, const ModelSignature& signature,
                      int default_max_batch_size, inference::ModelConfig* config) {
  const bool can_batch = ModelCanBatch(signature);
  if (config->max_batch_size() > 0) {
    if (!can_batch) {
      return Status::InvalidArg("autofill failed for model '" + model_name +
                                "': max_batch_size is " + std::to_string(config->max_batch_size()) +
                                " but the model does not support batching (every input and "
                                "output needs a variable first dimension)");
    }
  } else if (can_batch && default_max_batch_size > 0 &&
             !StatesFullRank(config->input(), signature.inputs) &&
             !StatesFullRank(config->output(), signature.outputs)) {
    config->set_max_batch_size(default_max_batch_size);
  }
  if (config->max_batch_size() > 1 &&
      config->scheduling_choice_case() == inference::ModelConfig::SCHEDULING_CHOICE_NOT_SET) {
    config->mutable_dynamic_batching();
  }
  return Status::Ok();
}

// Fills data_type, dims and (for model scalars) reshape of `entry` from
// `tensor` where the configuration leaves them unset.
template <typename Entry>
void FillEntry(const ModelTensor& tensor, bool batching, Entry* entry) {
  if (entry->data_type() == inference::TYPE_INVALID) {
    entry->set_data_type(static_cast<inference::DataType>(tensor.datatype));
  }
  if (entry->dims_size() == 0) {
    bool empty_reshape = false;
    for (int64_t dim : ConfigDimsFor(tensor, batching, &empty_reshape)) entry->add_dims(dim);
    if (empty_reshape && !entry->has_reshape()) entry->mutable_reshape();
  }
}

template <typename Entry>
Status CompleteEntry(const std::string& model_name, std::string_view kind,
                     const ModelTensor& tensor, int max_batch_size, Entry* entry) {
  if (!Servable(tensor)) {
    return Status::Unsupported("model '" + model_name + "', " + std::string(kind) + " '" +
                               tensor.name + "': the model's type " + tensor.type_name +
                               " cannot be served by inferd");
  }
  FillEntry(tensor, max_batch_size > 0, entry);
  return CheckTensor(model_name, kind, tensor, entry->data_type(),
                     Shape(entry->dims().begin(), entry->dims().end()),
                     entry->has_reshape() ? &entry->reshape() : nullptr, max_batch_size);
}

Status CompleteInputs(const std::string& model_name, const ModelSignature& signature,
                      inference::ModelConfig* config) {
  const int max_batch_size = config->max_batch_size();
  for (inference::ModelInput& input : *config->mutable_input()) {
    const ModelTensor* tensor = FindTensor(signature.inputs, input.name());
    if (tensor == nullptr) {
      return Status::InvalidArg(
          "model '" + model_name + "': configuration input '" + input.name() +
          "' is not an input of the model (model inputs: " + TensorNames(signature.inputs) + ")");
    }
    INFERD_RETURN_IF_ERROR(CompleteEntry(model_name, "input", *tensor, max_batch_size, &input));
  }
  const std::vector<std::string> implicit = ImplicitInputNames(*config);
  for (const ModelTensor& tensor : signature.inputs) {
    bool listed = Contains(implicit, tensor.name);
    for (const inference::ModelInput& input : config->input())
      listed |= input.name() == tensor.name;
    if (listed) continue;
    inference::ModelInput* input = config->add_input();
    input->set_name(tensor.name);
    INFERD_RETURN_IF_ERROR(CompleteEntry(model_name, "input", tensor, max_batch_size, input));
  }
  return Status::Ok();
}

Status CompleteOutputs(const std::string& model_name, const ModelSignature& signature,
                       inference::ModelConfig* config) {
  const int max_batch_size = config->max_batch_size();
  if (config->output_size() == 0) {
    const std::vector<std::string> implicit = ImplicitOutputNames(*config);
    for (const ModelTensor& tensor : signature.outputs) {
      if (!Servable(tensor) || Contains(implicit, tensor.name)) continue;
      inference::ModelOutput* output = config->add_output();
      output->set_name(tensor.name);
      FillEntry(tensor, max_batch_size > 0, output);
    }
    return Status::Ok();
  }
  for (inference::ModelOutput& output : *config->mutable_output()) {
    const ModelTensor* tensor = FindTensor(signature.outputs, output.name());
    if (tensor == nullptr) {
      return Status::InvalidArg("model '" + model_name + "': configuration output '" +
                                output.name() + "' is not an output of the model (model outputs: " +
                                TensorNames(signature.outputs) + ")");
    }
    INFERD_RETURN_IF_ERROR(CompleteEntry(model_name, "output", *tensor, max_batch_size, &output));
  }
  return Status::Ok();
}

}  // namespace

Status AutoCompleteFromSignature(const std::string& model_name, const ModelSignature& signature,
                                 int default_max_batch_size, inference::ModelConfig* config) {
  INFERD_RETURN_IF_ERROR(DecideBatching(model_name, signature, default_max_batch_size, config));
  INFERD_RETURN_IF_ERROR(CompleteInputs(model_name, signature, config));
  return CompleteOutputs(model_name, signature, config);
}

}  // namespace inferd::ort
