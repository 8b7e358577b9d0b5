#include "config/ensemble_validator.h"

#include <map>
#include <set>
#include <string>

namespace inferd {

Status ValidateEnsembleConfig(const inference::ModelConfig& config) {
  const std::string ensemble = "ensemble '" + config.name() + "'";
  if (config.instance_group_size() > 0) {
    return Status::InvalidArg(ensemble + " must not set 'instance_group': its steps run on their own models");
  }
  if (config.model_warmup_size() > 0) return Status::InvalidArg(ensemble + " must not set 'model_warmup'");
  const auto& steps = config.ensemble_scheduling().step();
  if (steps.empty()) return Status::InvalidArg(ensemble + " must have at least one step");

  std::set<std::string> inputs, outputs;
  for (const auto& input : config.input()) inputs.insert(input.name());
  for (const auto& output : config.output()) outputs.insert(output.name());

  // Which step writes each ensemble tensor.
  std::map<std::string, int> producer;
  for (int i = 0; i < steps.size(); ++i) {
    const auto& step = steps[i];
    std::string where = ensemble + " step " + std::to_string(i);
    if (step.model_name().empty()) return Status::InvalidArg(where + " must name a 'model_name'");
    where += " ('" + step.model_name() + "')";
    if (step.input_map().empty()) return Status::InvalidArg(where + " must have an 'input_map'");
    if (step.output_map().empty()) return Status::InvalidArg(where + " must have an 'output_map'");
    for (const auto& [model_tensor, ensemble_tensor] : step.output_map()) {
      if (inputs.count(ensemble_tensor)) {
        return Status::InvalidArg(where + " writes ensemble tensor '" + ensemble_tensor +
                                  "', which is an input of the ensemble");
      }
      auto [it, fresh] = producer.emplace(ensemble_tensor, i);
      if (!fresh) {
        return Status::InvalidArg(where + " writes ensemble tensor '" + ensemble_tensor + "', which step " +
                                  std::to_string(it->second) + " already writes; a tensor has one producer");
      }
    }
  }

  // Run the steps in data order: each step needs all its inputs available.
  std::set<std::string> available = inputs, consumed;
  std::vector<bool> ran(steps.size(), false);
  for (bool progress = true; progress;) {
    progress = false;
    for (int i = 0; i < steps.size(); ++i) {
      if (ran[i]) continue;
      bool ready = true;
      for (const auto& [model_tensor, ensemble_tensor] : steps[i].input_map()) {
        if (!available.count(ensemble_tensor)) ready = false;
      }
      if (!ready) continue;
      ran[i] = progress = true;
      for (const auto& [model_tensor, ensemble_tensor] : steps[i].input_map()) consumed.insert(ensemble_tensor);
      for (const auto& [model_tensor, ensemble_tensor] : steps[i].output_map()) available.insert(ensemble_tensor);
    }
  }
  for (int i = 0; i < steps.size(); ++i) {
    if (ran[i]) continue;
    for (const auto& [model_tensor, ensemble_tensor] : steps[i].input_map()) {
      if (!available.count(ensemble_tensor)) {
        return Status::InvalidArg(ensemble + " step " + std::to_string(i) + " ('" + steps[i].model_name() +
                                  "') can never run: its input '" + model_tensor + "' reads ensemble tensor '" +
                                  ensemble_tensor + "', which no input or earlier step provides (or the steps " +
                                  "form a cycle)");
      }
    }
  }
  for (const auto& output : outputs) {
    if (!available.count(output)) {
      return Status::InvalidArg(ensemble + ": output '" + output + "' is not written by any step");
    }
  }
  for (const auto& input : inputs) {
    if (!consumed.count(input)) {
      return Status::InvalidArg(ensemble + ": input '" + input + "' is not used by any step");
    }
  }
  for (const auto& [tensor, step] : producer) {
    if (!consumed.count(tensor) && !outputs.count(tensor)) {
      return Status::InvalidArg(ensemble + ": ensemble tensor '" + tensor + "' written by step " +
                                std::to_string(step) + " is unused");
    }
  }
  return Status::Ok();
}

}  // namespace inferd
