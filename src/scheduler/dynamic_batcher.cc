#include "scheduler/dynamic_batcher.h"

#include <algorithm>
#include <chrono>

#include "scheduler/batch_rules.h"
#include "scheduler/job_runner.h"

namespace inferd {

DynamicBatcher::DynamicBatcher(const inference::ModelConfig& config,
                               std::vector<std::unique_ptr<ModelInstance>> instances, ModelStats* stats)
    : instances_(std::move(instances)),
      stats_(stats),
      max_batch_size_(std::max(1, config.max_batch_size())),
      max_delay_ns_(config.dynamic_batching().max_queue_delay_microseconds() * 1000),
      inline_(instances_),
      queue_(config.dynamic_batching()),
      busy_(instances_.size(), false),
      free_since_ns_(instances_.size(), 0) {
  for (int size : config.dynamic_batching().preferred_batch_size()) preferred_sizes_.push_back(size);
  std::sort(preferred_sizes_.begin(), preferred_sizes_.end());
  if (config.dynamic_batching().preserve_ordering()) ordered_ = std::make_unique<OrderedDelivery>();
  for (size_t i = 0; i < instances_.size(); ++i) threads_.emplace_back([this, i] { RunInstance(i); });
}

DynamicBatcher::~DynamicBatcher() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (auto& thread : threads_) thread.join();
}

void DynamicBatcher::Enqueue(InferJob job) {
  uint64_t now = SteadyNowNs();
  job.timeline->queued_ns = now;
  Status queued;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (ordered_) job.on_response = ordered_->Wrap(std::move(job.on_response));
    // Waiting for more requests is pointless without a queue delay: an idle
    // instance would take this one alone at once anyway.
    if (max_delay_ns_ == 0 && inline_.Allowed() && queue_.empty() && !stopping_) {
      for (size_t i = 0; i < busy_.size(); ++i) {
        if (busy_[i]) continue;
        busy_[i] = true;
        lock.unlock();
        std::vector<InferJob> batch;
        batch.push_back(std::move(job));
        return Run(i, std::move(batch));
      }
    }
    stats_->AddPending(1);
    queued = queue_.Push(job, now);
    if (!queued.ok()) stats_->AddPending(-1);
  }
  if (!queued.ok()) return RejectJob(std::move(job), std::move(queued));
  changed_.notify_all();  // a thread whose instance is free takes it
}

size_t DynamicBatcher::NextBatchSize(uint64_t now_ns, uint64_t free_since_ns, uint64_t* wake_ns) const {
  *wake_ns = 0;
  if (queue_.empty()) return 0;
  // The longest run of jobs from the front that fits and can run together.
  const InferenceRequest& first = *queue_.At(0).request;
  uint64_t total = 0;
  size_t count = 0;
  bool blocked = false;  // the next job cannot join: waiting would not grow the batch
  size_t best_preferred = 0;  // jobs in the largest prefix whose size is a preferred one
  for (; count < queue_.size(); ++count) {
    const InferJob& job = queue_.At(count);
    uint64_t size = job.timeline->batch_size;
    if (count > 0 && (total + size > max_batch_size_ || !CanBatchTogether(first, *job.request))) {
      blocked = true;
      break;
    }
    total += size;
    if (std::binary_search(preferred_sizes_.begin(), preferred_sizes_.end(), total)) best_preferred = count + 1;
    if (total >= max_batch_size_) {
      ++count;
      blocked = true;
      break;
    }
  }
  if (best_preferred > 0) return best_preferred;
  if (blocked || max_delay_ns_ == 0 || stopping_) return count;
  uint64_t due = std::max(queue_.QueuedAt(0), free_since_ns) + max_delay_ns_;
  if (now_ns >= due) return count;
  *wake_ns = due;
  return 0;
}

void DynamicBatcher::Run(size_t index, std::vector<InferJob> batch) {
  inline_.Run(instances_[index].get(), std::move(batch), stats_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    busy_[index] = false;
    free_since_ns_[index] = SteadyNowNs();
  }
  changed_.notify_all();  // the instance's thread may take what was queued meanwhile
}

void DynamicBatcher::RunInstance(size_t index) {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    if (busy_[index]) {  // lent to a caller running a request inline
      changed_.wait(lock);
      continue;
    }
    uint64_t now = SteadyNowNs();
    std::vector<InferJob> expired = queue_.TakeExpired(now);
    if (!expired.empty()) {
      lock.unlock();
      stats_->AddPending(-static_cast<int64_t>(expired.size()));
      for (InferJob& job : expired) RejectJob(std::move(job), Status::Unavailable("Request timeout expired"));
      lock.lock();
      continue;
    }
    uint64_t wake = 0;
    size_t count = NextBatchSize(now, free_since_ns_[index], &wake);
    if (count == 0) {
      if (stopping_ && queue_.empty()) return;
      uint64_t deadline = queue_.NextDeadline();
      if (deadline != 0 && (wake == 0 || deadline < wake)) wake = deadline;
      if (wake == 0) {
        changed_.wait(lock);
      } else {
        changed_.wait_for(lock, std::chrono::nanoseconds(wake - now));
      }
      continue;
    }
    std::vector<InferJob> batch = queue_.PopFront(count);
    bool more = !queue_.empty();
    busy_[index] = true;
    lock.unlock();
    if (more) changed_.notify_all();  // another free instance may take the rest
    stats_->AddPending(-static_cast<int64_t>(batch.size()));
    Run(index, std::move(batch));
    lock.lock();
  }
}

}  // namespace inferd
