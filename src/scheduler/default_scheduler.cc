#include "scheduler/default_scheduler.h"

namespace inferd {

DefaultScheduler::DefaultScheduler(std::vector<std::unique_ptr<ModelInstance>> instances)
    : instances_(std::move(instances)) {
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
    std::vector<Tensor> outputs;
    Status status = instance->Execute(job.request->inputs, job.output_names, &outputs);
    if (status.ok() && outputs.size() != job.output_names.size()) {
      status = Status::Internal("backend returned " + std::to_string(outputs.size()) +
                                " outputs, expected " + std::to_string(job.output_names.size()));
    }
    job.done(std::move(status), std::move(job.request), std::move(outputs));
  }
}

}  // namespace inferd
