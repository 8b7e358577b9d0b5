#include "scheduler/job_runner.h"

#include <atomic>

namespace inferd {
namespace {

// One execution as the statistics see it; shared with the jobs' sinks, since
// a decoupled model may answer after RunBatch returned.
struct Execution {
  ComputeTimestamps times;
  uint64_t batch_size = 0;
  ModelStats* stats = nullptr;
  std::atomic<bool> counted{false};

  // Counts the execution once: at its first final response, so a client
  // that got its answer already sees it in the statistics.
  void Count() {
    if (counted.exchange(true)) return;
    if (times.end_ns == 0) times.end_ns = SteadyNowNs();
    stats->RecordExecution(batch_size, ComputeDurations::From(times));
  }
};

}  // namespace

void RunJobs(ModelInstance* instance, std::vector<InferJob> jobs, ModelStats* stats) {
  uint64_t start = SteadyNowNs();
  auto execution = std::make_shared<Execution>();
  execution->stats = stats;
  execution->times.start_ns = start;
  std::vector<ExecutionRequest> requests;
  requests.reserve(jobs.size());
  for (InferJob& job : jobs) {
    job.timeline->exec_start_ns = start;
    execution->batch_size += job.timeline->batch_size;
    ExecutionRequest request;
    request.request = std::move(job.request);
    request.output_names = std::move(job.output_names);
    request.sink = [execution, timeline = job.timeline, on_response = std::move(job.on_response)](
                       Status status, std::unique_ptr<InferenceResponse> response, bool final) {
      if (final) {
        execution->Count();
        timeline->compute = ComputeDurations::From(execution->times);
      }
      on_response(std::move(status), std::move(response), final);
    };
    requests.push_back(std::move(request));
  }
  instance->RunBatch(std::move(requests), &execution->times);
  execution->Count();
}

void RejectJob(InferJob job, Status status) {
  job.timeline->failure = FailureReason::kRejected;
  job.on_response(std::move(status), nullptr, true);
}

}  // namespace inferd
