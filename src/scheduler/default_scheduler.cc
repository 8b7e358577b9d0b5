#include "scheduler/default_scheduler.h"

#include "scheduler/job_runner.h"

namespace inferd {

DefaultScheduler::DefaultScheduler(std::vector<std::unique_ptr<ModelInstance>> instances, ModelStats* stats)
    : instances_(std::move(instances)), stats_(stats) {
  for (auto& instance : instances_) {
    threads_.emplace_back([this, raw = instance.get()] { RunInstance(raw); });
  }
}

DefaultScheduler::~DefaultScheduler() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& thread : threads_) thread.join();
}

void DefaultScheduler::Enqueue(InferJob job) {
  job.timeline->queued_ns = SteadyNowNs();
  stats_->AddPending(1);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(std::move(job));
  }
  ready_.notify_one();
}

void DefaultScheduler::RunInstance(ModelInstance* instance) {
  for (;;) {
    InferJob job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to finish
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    stats_->AddPending(-1);
    std::vector<InferJob> jobs;
    jobs.push_back(std::move(job));
    RunJobs(instance, std::move(jobs), stats_);
  }
}

}  // namespace inferd
