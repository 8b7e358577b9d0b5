#include "scheduler/inline_execution.h"

#include "scheduler/job_runner.h"

namespace inferd {

bool InlineExecution::Allowed() const {
  if (instances_.empty() || average_ns_.load(std::memory_order_relaxed) >= kLimitNs) return false;
  for (const auto& instance : instances_) {
    if (!instance->RunsOnAnyThread()) return false;
  }
  return true;
}

void InlineExecution::Run(ModelInstance* instance, std::vector<InferJob> jobs, ModelStats* stats) {
  uint64_t start = SteadyNowNs();
  RunJobs(instance, std::move(jobs), stats);
  uint64_t took = SteadyNowNs() - start;
  uint64_t average = average_ns_.load(std::memory_order_relaxed);
  average_ns_.store(average == UINT64_MAX ? took : (7 * average + took) / 8, std::memory_order_relaxed);
}

}  // namespace inferd
