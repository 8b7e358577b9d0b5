// InlineExecution: decides when a scheduler may run a job on the thread that
// brought it (a frontend's) instead of handing it to an execution thread.
//
// The hand-over to an execution thread and back costs two thread wake-ups,
// tens of microseconds: more than a small model's whole execution. A job may
// run inline when an instance is idle, nothing waits before it, every
// instance accepts calls from any thread now, and the model's recent executions
// were short (a moving average under kLimitNs), so a frontend thread is
// never held for long.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "backends/backend.h"
#include "core/model_stats.h"
#include "scheduler/infer_job.h"

namespace inferd {

class InlineExecution {
 public:
  static constexpr uint64_t kLimitNs = 200'000;

  // `instances` must outlive this object.
  explicit InlineExecution(const std::vector<std::unique_ptr<ModelInstance>>& instances)
      : instances_(instances) {}

  // The model and its instances allow running a job inline now. Instances are
  // asked each time: one may decline for a while (a Python model whose stub
  // must be restarted, which takes as long as the model's initialize).
  bool Allowed() const;

  // Runs `jobs` on `instance` (RunJobs) and records how long it took.
  void Run(ModelInstance* instance, std::vector<InferJob> jobs, ModelStats* stats);

 private:
  const std::vector<std::unique_ptr<ModelInstance>>& instances_;
  // Starts unknown (high): a model runs on its own threads until it has
  // shown it is short.
  std::atomic<uint64_t> average_ns_{UINT64_MAX};
};

}  // namespace inferd
