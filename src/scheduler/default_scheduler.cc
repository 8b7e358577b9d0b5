#include "scheduler/default_scheduler.h"

namespace inferd {

DefaultScheduler::DefaultScheduler(std::vector<std::unique_ptr<ModelInstance>> instances, ModelStats* stats)
    : instances_(std::move(instances)), stats_(stats), inline_(instances_), busy_(instances_.size(), false) {
  for (size_t i = 0; i < instances_.size(); ++i) threads_.emplace_back([this, i] { RunInstance(i); });
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
  if (inline_.Allowed()) {
    std::unique_lock<std::mutex> lock(mutex_);
    for (size_t i = 0; i < busy_.size() && queue_.empty() && !stopping_; ++i) {
      if (busy_[i]) continue;
      busy_[i] = true;
      lock.unlock();
      return Run(i, std::move(job));
    }
  }
  stats_->AddPending(1);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(std::move(job));
  }
  // Every thread wakes: one whose instance is free takes the job.
  ready_.notify_all();
}

void DefaultScheduler::Run(size_t index, InferJob job) {
  std::vector<InferJob> jobs;
  jobs.push_back(std::move(job));
  inline_.Run(instances_[index].get(), std::move(jobs), stats_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    busy_[index] = false;
  }
  ready_.notify_all();  // the instance's thread may take what was queued meanwhile
}

void DefaultScheduler::RunInstance(size_t index) {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    ready_.wait(lock, [&] { return !busy_[index] && (stopping_ || !queue_.empty()); });
    if (queue_.empty()) return;  // stopping, and nothing left to finish
    InferJob job = std::move(queue_.front());
    queue_.pop_front();
    busy_[index] = true;
    lock.unlock();
    stats_->AddPending(-1);
    Run(index, std::move(job));
    lock.lock();
  }
}

}  // namespace inferd
