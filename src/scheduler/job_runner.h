// Running queued jobs on an instance: the part every scheduler that owns
// instances shares. Marks when execution started, passes the instance's
// compute times to each job and counts the execution in the model's stats.
#pragma once

#include <vector>

#include "backends/backend.h"
#include "core/model_stats.h"
#include "scheduler/infer_job.h"

namespace inferd {

// Runs `jobs` on `instance` as one execution; blocks until the instance has
// run them (decoupled models may still answer afterwards).
void RunJobs(ModelInstance* instance, std::vector<InferJob> jobs, ModelStats* stats);

// Fails `job` before it ran (queue rejection) with `status`.
void RejectJob(InferJob job, Status status);

}  // namespace inferd
