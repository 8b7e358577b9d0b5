// Scheduler: decides when and where the requests of one model version run.
// Enqueue never blocks on inference; each job's on_response is called for
// every response, the last time with `final` set. Destroying a scheduler
// waits until every job it accepted has had its final response.
#pragma once

#include "scheduler/infer_job.h"

namespace inferd {

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  virtual void Enqueue(InferJob job) = 0;
  // Whether the instances it runs on say they are ready (see
  // ModelInstance::IsReady); true for schedulers without instances.
  virtual bool InstancesReady() { return true; }
};

}  // namespace inferd
