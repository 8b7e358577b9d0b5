#include "scheduler/job_runner.h"

namespace inferd {

void RunJobs(ModelInstance* instance, std::vector<InferJob> jobs, ModelStats* stats) {
  uint64_t start = SteadyNowNs();
  uint64_t batch_size = 0;
  // Shared with the sinks: a decoupled model may answer after RunBatch returned.
  auto times = std::make_shared<ComputeTimestamps>();
  std::vector<ExecutionRequest> requests;
  requests.reserve(jobs.size());
  for (InferJob& job : jobs) {
    job.timeline->exec_start_ns = start;
    batch_size += job.timeline->batch_size;
    ExecutionRequest request;
    request.request = std::move(job.request);
    request.output_names = std::move(job.output_names);
    request.sink = [times, timeline = job.timeline, on_response = std::move(job.on_response)](
                       Status status, std::unique_ptr<InferenceResponse> response, bool final) {
      if (final) timeline->compute = ComputeDurations::From(*times);
      on_response(std::move(status), std::move(response), final);
    };
    requests.push_back(std::move(request));
  }
  instance->RunBatch(std::move(requests), times.get());
  if (times->end_ns == 0) times->end_ns = SteadyNowNs();
  if (times->start_ns == 0) times->start_ns = start;
  stats->RecordExecution(batch_size, ComputeDurations::From(*times));
}

void RejectJob(InferJob job, Status status) {
  job.timeline->failure = FailureReason::kRejected;
  job.on_response(std::move(status), nullptr, true);
}

}  // namespace inferd
