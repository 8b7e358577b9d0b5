// DefaultScheduler: runs each request as it is, on the first free instance.
//
// Every instance has its own execution thread; all threads take jobs from one
// queue in arrival order. Enqueue never blocks on a busy model: a job waits
// in the queue for an instance.
//
// Short requests may run at once on the calling thread instead (see
// InlineExecution).
//
// The destructor finishes every queued job, then stops the threads and
// releases the instances, so nothing in flight is lost at unload.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "backends/backend.h"
#include "core/model_stats.h"
#include "scheduler/inline_execution.h"
#include "scheduler/scheduler.h"

namespace inferd {

class DefaultScheduler : public Scheduler {
 public:
  // `stats` must outlive the scheduler.
  DefaultScheduler(std::vector<std::unique_ptr<ModelInstance>> instances, ModelStats* stats);
  ~DefaultScheduler() override;

  DefaultScheduler(const DefaultScheduler&) = delete;
  DefaultScheduler& operator=(const DefaultScheduler&) = delete;

  void Enqueue(InferJob job) override;
  bool InstancesReady() override { return AllInstancesReady(instances_); }

 private:
  // Most queued jobs a thread runs after its own before handing the instance back.
  static constexpr int kMaxDrained = 8;

  void RunInstance(size_t index);
  // Runs `job` on instance `index`, which the caller marked busy, and then
  // possibly jobs queued meanwhile; marks the instance free.
  void Run(size_t index, InferJob job);

  std::vector<std::unique_ptr<ModelInstance>> instances_;
  ModelStats* stats_;
  InlineExecution inline_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<InferJob> queue_;
  std::vector<bool> busy_;  // by instance index; guarded by mutex_
  bool stopping_ = false;
};

}  // namespace inferd
