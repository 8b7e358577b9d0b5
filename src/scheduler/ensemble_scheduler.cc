#include "scheduler/ensemble_scheduler.h"

#include <condition_variable>
#include <map>
#include <set>
#include <mutex>

namespace inferd {

struct EnsembleInFlight {
  std::mutex mutex;
  std::condition_variable idle;
  int count = 0;
};

// One ensemble request as it moves through the graph.
struct EnsembleScheduler::Run {
  InferJob job;
  std::mutex mutex;
  std::map<std::string, Tensor> tensors;  // ensemble tensor name -> value
  std::set<std::string> absent;           // optional ensemble inputs the client left out
  std::vector<bool> started;
  int running = 0;
  bool finished = false;
};

EnsembleScheduler::EnsembleScheduler(std::shared_ptr<const inference::ModelConfig> config,
                                     const InferenceServices* services)
    : config_(std::move(config)), services_(services), in_flight_(std::make_shared<EnsembleInFlight>()) {}

EnsembleScheduler::~EnsembleScheduler() {
  std::unique_lock<std::mutex> lock(in_flight_->mutex);
  in_flight_->idle.wait(lock, [this] { return in_flight_->count == 0; });
}

void EnsembleScheduler::Enqueue(InferJob job) {
  auto run = std::make_shared<Run>();
  for (const Tensor& input : job.request->inputs) run->tensors[input.name] = input;
  for (const auto& input : config_->input()) {
    if (!run->tensors.count(input.name())) run->absent.insert(input.name());
  }
  run->started.assign(config_->ensemble_scheduling().step_size(), false);
  // Counts the request in until its final response.
  {
    std::lock_guard<std::mutex> lock(in_flight_->mutex);
    ++in_flight_->count;
  }
  auto on_response = std::move(job.on_response);
  job.on_response = [on_response, in_flight = in_flight_](Status status, std::unique_ptr<InferenceResponse> response,
                                                           bool final) {
    on_response(std::move(status), std::move(response), final);
    std::lock_guard<std::mutex> lock(in_flight->mutex);
    if (--in_flight->count == 0) in_flight->idle.notify_all();
  };
  run->job = std::move(job);
  StartReadySteps(run);
}

void EnsembleScheduler::StartReadySteps(const std::shared_ptr<Run>& run) {
  const auto& steps = config_->ensemble_scheduling().step();
  std::vector<std::pair<int, std::unique_ptr<InferenceRequest>>> to_start;
  std::unique_ptr<InferenceResponse> result;
  bool stuck = false;
  std::string missing;
  {
    std::lock_guard<std::mutex> lock(run->mutex);
    if (run->finished) return;
    for (int i = 0; i < steps.size(); ++i) {
      if (run->started[i]) continue;
      // A step waits for its inputs, except optional ones the client left out.
      bool ready = true;
      for (const auto& [model_tensor, ensemble_tensor] : steps[i].input_map()) {
        if (!run->tensors.count(ensemble_tensor) && !run->absent.count(ensemble_tensor)) ready = false;
      }
      if (!ready) continue;
      run->started[i] = true;
      ++run->running;
      auto request = std::make_unique<InferenceRequest>();
      request->model_name = steps[i].model_name();
      request->model_version = steps[i].model_version() > 0 ? steps[i].model_version() : -1;
      request->id = run->job.request->id;
      request->parameters = run->job.request->parameters;
      request->parent_trace = run->job.trace;
      for (const auto& [model_tensor, ensemble_tensor] : steps[i].input_map()) {
        auto value = run->tensors.find(ensemble_tensor);
        if (value == run->tensors.end()) continue;  // an optional input left out
        Tensor tensor = value->second;  // a view: the bytes are shared, not copied
        tensor.name = model_tensor;
        request->inputs.push_back(std::move(tensor));
      }
      for (const auto& [model_tensor, ensemble_tensor] : steps[i].output_map()) {
        request->outputs.push_back(RequestedOutput{model_tensor, 0});
      }
      to_start.emplace_back(i, std::move(request));
    }
    // Done when every requested output exists and nothing is still running.
    bool complete = run->running == 0;
    for (const auto& name : run->job.output_names) complete = complete && run->tensors.count(name);
    if (!complete && run->running == 0 && to_start.empty()) {
      // Nothing runs and nothing can start: a tensor the rest needs never came.
      run->finished = true;
      for (const auto& name : run->job.output_names) {
        if (!run->tensors.count(name)) missing = name;
      }
      run->tensors.clear();
      stuck = true;
    } else if (complete) {
      run->finished = true;
      result = std::make_unique<InferenceResponse>();
      for (const auto& name : run->job.output_names) result->outputs.push_back(run->tensors[name]);
      run->tensors.clear();  // release intermediate tensors at once
    }
  }
  if (result) return run->job.on_response(Status::Ok(), std::move(result), true);
  if (stuck) {
    return run->job.on_response(
        Status::InvalidArg("ensemble '" + config_->name() + "' cannot produce output '" + missing +
                           "': a tensor it depends on was never produced (an optional input left out, or a step "
                           "that did not return an output its output_map names)"),
        nullptr, true);
  }
  for (auto& [step, request] : to_start) {
    services_->infer(std::move(request), [this, run, step](Status status, std::unique_ptr<InferenceResponse> response,
                                                           bool final) {
      if (!final && status.ok()) return;  // ensembles take one response per step
      OnStepDone(run, step, std::move(status), std::move(response));
    });
  }
}

void EnsembleScheduler::OnStepDone(const std::shared_ptr<Run>& run, int step, Status status,
                                   std::unique_ptr<InferenceResponse> response) {
  const auto& spec = config_->ensemble_scheduling().step(step);
  {
    std::lock_guard<std::mutex> lock(run->mutex);
    --run->running;
    if (run->finished) return;
    if (status.ok() && !response) status = Status::Internal("the step finished without a response");
    if (!status.ok()) {
      run->finished = true;
      run->tensors.clear();
    } else {
      for (Tensor& output : response->outputs) {
        auto target = spec.output_map().find(output.name);
        if (target == spec.output_map().end()) continue;
        output.name = target->second;
        run->tensors[target->second] = std::move(output);
      }
    }
  }
  if (!status.ok()) {
    return run->job.on_response(
        Status(status.code(), "in ensemble '" + config_->name() + "', step " + std::to_string(step) + " ('" +
                                  spec.model_name() + "') failed: " + status.message()),
        nullptr, true);
  }
  StartReadySteps(run);
}

}  // namespace inferd
