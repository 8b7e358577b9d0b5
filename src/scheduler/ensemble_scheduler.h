// EnsembleScheduler: runs an ensemble's steps as a data-flow graph.
//
// A request starts every step whose inputs it already holds; each step's
// outputs may start further steps, so independent branches run at once.
// Tensors pass between steps by reference (views of the producing step's
// memory), never copied. The request ends when the ensemble's requested
// outputs exist, or with the first step failure, which names the step's
// model. Steps go through the server's own inference entry point, so each
// step model schedules, batches and counts them as its own requests.
#pragma once

#include <memory>

#include "core/inference.h"
#include "model_config.pb.h"
#include "scheduler/scheduler.h"

namespace inferd {

struct EnsembleInFlight;

class EnsembleScheduler : public Scheduler {
 public:
  // `config` is the validated ensemble config; `services` must outlive the
  // scheduler.
  EnsembleScheduler(std::shared_ptr<const inference::ModelConfig> config, const InferenceServices* services);
  ~EnsembleScheduler() override;

  void Enqueue(InferJob job) override;

 private:
  struct Run;
  void StartReadySteps(const std::shared_ptr<Run>& run);
  void OnStepDone(const std::shared_ptr<Run>& run, int step, Status status,
                  std::unique_ptr<InferenceResponse> response);

  std::shared_ptr<const inference::ModelConfig> config_;
  const InferenceServices* services_;
  // Requests in flight, so the destructor can wait for them.
  std::shared_ptr<EnsembleInFlight> in_flight_;
};

}  // namespace inferd
