#include "config/config_validator.h"

#include <set>
#include <string>

#include "config/ensemble_validator.h"
#include "core/shape.h"

namespace inferd {
namespace {

using google::protobuf::RepeatedField;

std::string DimsToString(const RepeatedField<int64_t>& dims) {
  return ShapeToString(Shape(dims.begin(), dims.end()));
}

Status ValidateDims(const std::string& where, const RepeatedField<int64_t>& dims) {
  if (dims.empty()) return Status::InvalidArg(where + " must specify 'dims'");
  for (int i = 0; i < dims.size(); ++i) {
    if (dims[i] != -1 && dims[i] < 1) {
      return Status::InvalidArg(where + " has invalid dims " + DimsToString(dims) +
                                ": each dimension must be -1 or at least 1");
    }
  }
  return Status::Ok();
}

// dims and reshape must describe the same number of elements.
Status ValidateReshape(const std::string& where, const inference::ModelConfig& config,
                       const RepeatedField<int64_t>& dims, bool has_reshape,
                       const inference::ModelTensorReshape& reshape) {
  if (!has_reshape) return Status::Ok();
  if (reshape.shape().empty()) {
    if (config.max_batch_size() > 0 && dims.size() == 1 && dims[0] == 1) return Status::Ok();
    return Status::InvalidArg(where + " has an empty reshape, which is allowed only for dims [1] "
                              "when max_batch_size > 0");
  }
  Shape dim_shape(dims.begin(), dims.end()), reshape_shape(reshape.shape().begin(), reshape.shape().end());
  auto a = ElementCount(dim_shape), b = ElementCount(reshape_shape);
  bool variable = !a || !b;
  if (!variable && *a != *b) {
    return Status::InvalidArg(where + " reshape " + ShapeToString(reshape_shape) +
                              " has a different element count than dims " + ShapeToString(dim_shape));
  }
  return Status::Ok();
}

template <typename Tensor>
Status ValidateTensor(const inference::ModelConfig& config, const char* kind, const Tensor& tensor,
                      std::set<std::string>* names) {
  std::string where = std::string(kind) + " '" + tensor.name() + "'";
  if (tensor.name().empty()) return Status::InvalidArg(std::string("an ") + kind + " has no 'name'");
  if (!names->insert(tensor.name()).second) {
    return Status::InvalidArg(where + " is declared more than once");
  }
  if (tensor.data_type() == inference::TYPE_INVALID) {
    return Status::InvalidArg(where + " must specify 'data_type'");
  }
  INFERD_RETURN_IF_ERROR(ValidateDims(where, tensor.dims()));
  return ValidateReshape(where, config, tensor.dims(), tensor.has_reshape(), tensor.reshape());
}

Status ValidatePreferredSizes(const char* where, const RepeatedField<int32_t>& sizes, int max_batch_size) {
  for (int size : sizes) {
    if (size < 1 || size > max_batch_size) {
      return Status::InvalidArg(std::string(where) + " preferred_batch_size " + std::to_string(size) +
                                " must be between 1 and max_batch_size (" +
                                std::to_string(max_batch_size) + ")");
    }
  }
  return Status::Ok();
}

Status ValidateDynamicBatching(const inference::ModelConfig& config) {
  const auto& batching = config.dynamic_batching();
  INFERD_RETURN_IF_ERROR(
      ValidatePreferredSizes("dynamic_batching", batching.preferred_batch_size(), config.max_batch_size()));
  uint64_t levels = batching.priority_levels();
  if (levels > 0 && (batching.default_priority_level() < 1 || batching.default_priority_level() > levels)) {
    return Status::InvalidArg("dynamic_batching default_priority_level must be in the range [1, " +
                              std::to_string(levels) + "], got " +
                              std::to_string(batching.default_priority_level()));
  }
  for (const auto& [level, policy] : batching.priority_queue_policy()) {
    if (level < 1 || level > levels) {
      return Status::InvalidArg("dynamic_batching priority_queue_policy is given for level " + std::to_string(level) +
                                ", but priority levels are 1 to " + std::to_string(levels));
    }
  }
  if (batching.preserve_ordering()) {
    if (levels > 1) {
      return Status::InvalidArg("Only one priority level is allowed when 'preserve_ordering' is true");
    }
    bool delays = batching.default_queue_policy().timeout_action() == inference::ModelQueuePolicy::DELAY;
    for (const auto& [level, policy] : batching.priority_queue_policy()) {
      delays = delays || policy.timeout_action() == inference::ModelQueuePolicy::DELAY;
    }
    if (delays) {
      return Status::InvalidArg("Queue policy can not have DELAY as timeout action when 'preserve_ordering' is true");
    }
  }
  return Status::Ok();
}

Status ValidateInstanceGroups(const inference::ModelConfig& config) {
  for (const auto& group : config.instance_group()) {
    if ((group.kind() == inference::ModelInstanceGroup::KIND_CPU ||
         group.kind() == inference::ModelInstanceGroup::KIND_MODEL) &&
        group.gpus_size() > 0) {
      return Status::InvalidArg("instance group '" + group.name() + "' of kind " +
                                inference::ModelInstanceGroup::Kind_Name(group.kind()) +
                                " must not list 'gpus'");
    }
    if (group.count() < 1) {
      return Status::InvalidArg("instance group '" + group.name() + "' has count " +
                                std::to_string(group.count()) + ", expected at least 1");
    }
  }
  return Status::Ok();
}

}  // namespace

Status ValidateDeclaredDims(const inference::ModelConfig& config) {
  for (const auto& input : config.input()) {
    if (!input.dims().empty()) INFERD_RETURN_IF_ERROR(ValidateDims("input '" + input.name() + "'", input.dims()));
  }
  for (const auto& output : config.output()) {
    if (!output.dims().empty()) INFERD_RETURN_IF_ERROR(ValidateDims("output '" + output.name() + "'", output.dims()));
  }
  return Status::Ok();
}

Status ValidateModelConfig(const inference::ModelConfig& config) {
  if (config.name().empty()) return Status::InvalidArg("model configuration must specify 'name'");
  if (config.max_batch_size() < 0) {
    return Status::InvalidArg("'max_batch_size' must be non-negative, got " +
                              std::to_string(config.max_batch_size()));
  }
  bool ensemble = config.platform() == "ensemble";
  if (ensemble && !config.has_ensemble_scheduling()) {
    return Status::InvalidArg("ensemble model must specify 'ensemble_scheduling'");
  }
  if (!ensemble && config.has_ensemble_scheduling()) {
    return Status::InvalidArg("'ensemble_scheduling' is only allowed with platform \"ensemble\"");
  }
  if (ensemble) INFERD_RETURN_IF_ERROR(ValidateEnsembleConfig(config));
  std::set<std::string> input_names, output_names;
  for (const auto& input : config.input()) {
    INFERD_RETURN_IF_ERROR(ValidateTensor(config, "input", input, &input_names));
    if (input.format() != inference::ModelInput::FORMAT_NONE && input.dims_size() != 3) {
      return Status::InvalidArg("input '" + input.name() + "' with format " +
                                inference::ModelInput::Format_Name(input.format()) +
                                " must have exactly 3 dims, got " + DimsToString(input.dims()));
    }
  }
  for (const auto& output : config.output()) {
    INFERD_RETURN_IF_ERROR(ValidateTensor(config, "output", output, &output_names));
  }
  if (config.has_dynamic_batching()) INFERD_RETURN_IF_ERROR(ValidateDynamicBatching(config));
  if (config.has_sequence_batching() && config.sequence_batching().has_oldest()) {
    INFERD_RETURN_IF_ERROR(ValidatePreferredSizes(
        "sequence_batching oldest", config.sequence_batching().oldest().preferred_batch_size(),
        config.max_batch_size()));
  }
  if (config.has_sequence_batching() && config.sequence_batching().has_direct()) {
    float utilization = config.sequence_batching().direct().minimum_slot_utilization();
    if (utilization < 0.0f || utilization > 1.0f) {
      return Status::InvalidArg("sequence_batching minimum_slot_utilization must be in [0,1], got " +
                                std::to_string(utilization));
    }
  }
  if (config.response_cache().enable() &&
      (config.model_transaction_policy().decoupled() || config.has_sequence_batching())) {
    return Status::InvalidArg("response cache cannot be enabled for decoupled or sequence batching models");
  }
  return ValidateInstanceGroups(config);
}

}  // namespace inferd
