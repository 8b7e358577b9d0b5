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
  for (int drained = 0;; ++drained) {
    std::vector<InferJob> jobs;
    jobs.push_back(std::move(job));
    inline_.Run(instances_[index].get(), std::move(jobs), stats_);
    std::unique_lock<std::mutex> lock(mutex_);
    // A short model keeps its instance and takes what was queued meanwhile on
    // this thread: a hand-over to the instance's thread would cost a wake-up
    // per job. Bounded, so the thread's own connections are not starved.
    if (!queue_.empty() && drained < kMaxDrained && inline_.Allowed()) {
      job = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      stats_->AddPending(-1);
      continue;
    }
    busy_[index] = false;
    bool waiting = !queue_.empty();
    lock.unlock();
    if (waiting) ready_.notify_all();  // the instance's thread takes them
    return;
  }
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
