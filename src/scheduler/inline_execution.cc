#include "scheduler/inline_execution.h"

#include "scheduler/job_runner.h"

namespace inferd {

InlineExecution::InlineExecution(const std::vector<std::unique_ptr<ModelInstance>>& instances) {
  capable_ = !instances.empty();
  for (const auto& instance : instances) capable_ = capable_ && instance->RunsOnAnyThread();
}

bool InlineExecution::Allowed() const {
  return capable_ && average_ns_.load(std::memory_order_relaxed) < kLimitNs;
}

void InlineExecution::Run(ModelInstance* instance, std::vector<InferJob> jobs, ModelStats* stats) {
  uint64_t start = SteadyNowNs();
  RunJobs(instance, std::move(jobs), stats);
  uint64_t took = SteadyNowNs() - start;
  uint64_t average = average_ns_.load(std::memory_order_relaxed);
  average_ns_.store(average == UINT64_MAX ? took : (7 * average + took) / 8, std::memory_order_relaxed);
}

}  // namespace inferd
