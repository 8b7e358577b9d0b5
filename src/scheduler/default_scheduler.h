// DefaultScheduler: runs each request as it is, on the first free instance.
//
// Every instance has its own execution thread; all threads take jobs from one
// queue in arrival order. Enqueue never blocks on inference. The destructor
// finishes every queued job, then stops the threads and releases the
// instances, so nothing in flight is lost at unload.
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

 private:
  void RunInstance(ModelInstance* instance);

  std::vector<std::unique_ptr<ModelInstance>> instances_;
  ModelStats* stats_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<InferJob> queue_;
  bool stopping_ = false;
};

}  // namespace inferd
