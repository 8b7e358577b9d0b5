#include "repository/ensemble_step_checks.h"

#include <map>

#include "core/shape.h"

namespace inferd {
namespace {

// What is known of an ensemble tensor so far, and who said it.
struct TensorFacts {
  inference::DataType type;
  Shape shape;  // with the batch dimension as -1 when its owner batches
  std::string owner;
};


bool Compatible(const Shape& a, const Shape& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != -1 && b[i] != -1 && a[i] != b[i]) return false;
  }
  return true;
}

class TensorTable {
 public:
  explicit TensorTable(std::string ensemble) : ensemble_(std::move(ensemble)) {}

  Status Add(const std::string& tensor, inference::DataType type, Shape shape, const std::string& owner) {
    auto [it, fresh] = facts_.emplace(tensor, TensorFacts{type, shape, owner});
    if (fresh) return Status::Ok();
    const TensorFacts& known = it->second;
    if (known.type != type) {
      return Status::InvalidArg("in ensemble '" + ensemble_ + "', tensor '" + tensor + "' is " +
                                inference::DataType_Name(known.type) + " for " + known.owner + " but " +
                                inference::DataType_Name(type) + " for " + owner);
    }
    if (!Compatible(known.shape, shape)) {
      return Status::InvalidArg("in ensemble '" + ensemble_ + "', tensor '" + tensor + "' has shape " +
                                ShapeToString(known.shape) + " for " + known.owner + " but " + ShapeToString(shape) +
                                " for " + owner);
    }
    return Status::Ok();
  }

 private:
  std::string ensemble_;
  std::map<std::string, TensorFacts> facts_;
};

template <typename Tensors>
const typename Tensors::value_type* Find(const Tensors& tensors, const std::string& name) {
  for (const auto& tensor : tensors) {
    if (tensor.name() == name) return &tensor;
  }
  return nullptr;
}

}  // namespace

Status CheckEnsembleSteps(const inference::ModelConfig& ensemble, const StepConfigLookup& lookup) {
  TensorTable table(ensemble.name());
  bool ensemble_batches = ensemble.max_batch_size() > 0;
  for (const auto& input : ensemble.input()) {
    INFERD_RETURN_IF_ERROR(table.Add(input.name(), input.data_type(), ApiShape(input.dims(), ensemble_batches),
                                     "the ensemble's input"));
  }
  for (const auto& output : ensemble.output()) {
    INFERD_RETURN_IF_ERROR(table.Add(output.name(), output.data_type(), ApiShape(output.dims(), ensemble_batches),
                                     "the ensemble's output"));
  }
  const auto& steps = ensemble.ensemble_scheduling().step();
  for (int i = 0; i < steps.size(); ++i) {
    const auto& step = steps[i];
    std::string where = "ensemble '" + ensemble.name() + "' step " + std::to_string(i) + " ('" + step.model_name() + "')";
    const inference::ModelConfig* model = nullptr;
    Status found = lookup(step.model_name(), step.model_version() > 0 ? step.model_version() : -1, &model);
    if (!found.ok()) return Status(found.code(), where + ": " + found.message());
    if (model->model_transaction_policy().decoupled()) {
      return Status::Unsupported(where + ": model '" + step.model_name() +
                                 "' is decoupled; decoupled step models are not supported in ensembles yet");
    }
    if (model->max_batch_size() > 0 && model->max_batch_size() < ensemble.max_batch_size()) {
      return Status::InvalidArg(where + ": the step model's max_batch_size " + std::to_string(model->max_batch_size()) +
                                " is smaller than the ensemble's " + std::to_string(ensemble.max_batch_size()));
    }
    bool step_batches = model->max_batch_size() > 0;
    for (const auto& [model_tensor, ensemble_tensor] : step.input_map()) {
      const auto* input = Find(model->input(), model_tensor);
      if (!input) return Status::InvalidArg(where + ": model '" + step.model_name() + "' has no input '" + model_tensor + "'");
      INFERD_RETURN_IF_ERROR(table.Add(ensemble_tensor, input->data_type(), ApiShape(input->dims(), step_batches),
                                       "step " + std::to_string(i) + " input '" + model_tensor + "'"));
    }
    for (const auto& input : model->input()) {
      if (!input.optional() && !step.input_map().count(input.name())) {
        return Status::InvalidArg(where + ": required input '" + input.name() + "' of model '" + step.model_name() +
                                  "' is not in the step's input_map");
      }
    }
    for (const auto& [model_tensor, ensemble_tensor] : step.output_map()) {
      const auto* output = Find(model->output(), model_tensor);
      if (!output) {
        return Status::InvalidArg(where + ": model '" + step.model_name() + "' has no output '" + model_tensor + "'");
      }
      INFERD_RETURN_IF_ERROR(table.Add(ensemble_tensor, output->data_type(), ApiShape(output->dims(), step_batches),
                                       "step " + std::to_string(i) + " output '" + model_tensor + "'"));
    }
  }
  return Status::Ok();
}

}  // namespace inferd
