#include "backends/backend.h"

#include <algorithm>

#include "core/tensor_batch.h"

namespace inferd {

namespace {

// The outputs any of `requests` asked for, in first-asked order.
std::vector<std::string> OutputsOfAll(const std::vector<ExecutionRequest>& requests) {
  std::vector<std::string> names;
  for (const auto& request : requests) {
    for (const auto& name : request.output_names) {
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  }
  return names;
}

// Joins the requests' inputs, input by input, in the first request's order.
Status JoinInputs(const std::vector<ExecutionRequest>& requests, std::vector<Tensor>* inputs) {
  if (requests.size() == 1) {
    *inputs = requests[0].request->inputs;
    return Status::Ok();
  }
  for (const Tensor& input : requests[0].request->inputs) {
    std::vector<const Tensor*> parts;
    for (const auto& request : requests) {
      for (const Tensor& candidate : request.request->inputs) {
        if (candidate.name == input.name) parts.push_back(&candidate);
      }
    }
    if (parts.size() != requests.size()) {
      return Status::Internal("input '" + input.name + "' is missing from a request of the batch");
    }
    inputs->emplace_back();
    INFERD_RETURN_IF_ERROR(ConcatBatch(parts, &inputs->back()));
  }
  return Status::Ok();
}

// Each request's rows of the batched `outputs`, only the outputs it asked for.
Status SplitOutputs(const std::vector<ExecutionRequest>& requests, const std::vector<std::string>& names,
                    const std::vector<Tensor>& outputs, std::vector<std::unique_ptr<InferenceResponse>>* responses) {
  std::vector<int64_t> rows;
  for (const auto& request : requests) {
    const auto& inputs = request.request->inputs;
    rows.push_back(inputs.empty() || inputs[0].shape.empty() ? 1 : inputs[0].shape[0]);
  }
  for (size_t i = 0; i < requests.size(); ++i) responses->push_back(std::make_unique<InferenceResponse>());
  for (size_t o = 0; o < names.size(); ++o) {
    std::vector<Tensor> parts;
    INFERD_RETURN_IF_ERROR(SplitBatch(outputs[o], rows, &parts));
    for (size_t i = 0; i < requests.size(); ++i) {
      const auto& wanted = requests[i].output_names;
      if (std::find(wanted.begin(), wanted.end(), names[o]) == wanted.end()) continue;
      parts[i].name = names[o];
      (*responses)[i]->outputs.push_back(std::move(parts[i]));
    }
  }
  // Back into the order each request asked for its outputs.
  for (size_t i = 0; i < requests.size(); ++i) {
    auto& got = (*responses)[i]->outputs;
    const auto& wanted = requests[i].output_names;
    std::sort(got.begin(), got.end(), [&](const Tensor& a, const Tensor& b) {
      return std::find(wanted.begin(), wanted.end(), a.name) < std::find(wanted.begin(), wanted.end(), b.name);
    });
  }
  return Status::Ok();
}

}  // namespace

void ModelInstance::RunBatch(std::vector<ExecutionRequest> requests, ComputeTimestamps* times) {
  times->start_ns = SteadyNowNs();
  std::vector<std::string> names = OutputsOfAll(requests);
  std::vector<Tensor> inputs, outputs;
  Status status = JoinInputs(requests, &inputs);
  times->input_end_ns = SteadyNowNs();
  if (status.ok()) status = Execute(inputs, names, &outputs);
  times->output_start_ns = SteadyNowNs();
  if (status.ok() && outputs.size() != names.size()) {
    status = Status::Internal("backend returned " + std::to_string(outputs.size()) + " outputs, expected " +
                              std::to_string(names.size()));
  }
  std::vector<std::unique_ptr<InferenceResponse>> responses;
  if (status.ok()) {
    if (requests.size() == 1) {
      for (size_t i = 0; i < names.size(); ++i) outputs[i].name = names[i];
      responses.push_back(std::make_unique<InferenceResponse>());
      responses[0]->outputs = std::move(outputs);
    } else {
      status = SplitOutputs(requests, names, outputs, &responses);
    }
  }
  times->end_ns = SteadyNowNs();
  for (size_t i = 0; i < requests.size(); ++i) {
    if (!status.ok()) {
      requests[i].sink(status, nullptr, true);
    } else {
      requests[i].sink(Status::Ok(), std::move(responses[i]), true);
    }
  }
}

Status CheckCpuInstance(const ModelSpec& spec, const InstanceSpec& instance) {
  if (instance.kind != inference::ModelInstanceGroup::KIND_GPU) return Status::Ok();
  return Status::Unsupported("model '" + spec.model_name + "', instance '" + instance.name +
                             "': instance group kind KIND_GPU is not supported: this build of inferd has no GPU "
                             "support; use KIND_CPU");
}

Status ModelInstance::Execute(const std::vector<Tensor>&, const std::vector<std::string>&, std::vector<Tensor>*) {
  return Status::Internal("this backend does not implement Execute");
}

bool AllInstancesReady(const std::vector<std::unique_ptr<ModelInstance>>& instances) {
  return std::all_of(instances.begin(), instances.end(), [](const auto& instance) { return instance->IsReady(); });
}

}  // namespace inferd
