#include "scheduler/batch_queue.h"

#include "core/protocol_rules.h"

namespace inferd {

BatchQueue::BatchQueue(const inference::ModelDynamicBatching& config) {
  size_t count = config.priority_levels() > 0 ? config.priority_levels() : 1;
  levels_.resize(count);
  for (size_t i = 0; i < count; ++i) {
    auto policy = config.priority_queue_policy().find(i + 1);
    levels_[i].policy =
        policy != config.priority_queue_policy().end() ? policy->second : config.default_queue_policy();
  }
  if (config.priority_levels() > 0 && config.default_priority_level() >= 1) {
    default_level_ = config.default_priority_level() - 1;
  }
}

size_t BatchQueue::LevelOf(const InferenceRequest& request) const {
  uint64_t priority = SchedulingParameter(request, "priority");
  // As Triton: 0, or a level the model does not have, means the default level.
  if (priority == 0 || priority > levels_.size()) return default_level_;
  return priority - 1;
}

Status BatchQueue::Push(InferJob& job, uint64_t now_ns) {
  Level& level = levels_[LevelOf(*job.request)];
  const auto& policy = level.policy;
  if (policy.max_queue_size() > 0 && level.entries.size() >= policy.max_queue_size()) {
    return Status::Unavailable("Exceeds maximum queue size");
  }
  uint64_t timeout_us = policy.default_timeout_microseconds();
  uint64_t requested_us = SchedulingParameter(*job.request, "timeout");
  if (policy.allow_timeout_override() && requested_us != 0 && (timeout_us == 0 || requested_us < timeout_us)) {
    timeout_us = requested_us;
  }
  Entry entry;
  entry.queued_ns = now_ns;
  entry.deadline_ns = timeout_us == 0 ? 0 : now_ns + timeout_us * 1000;
  entry.delay_on_timeout = policy.timeout_action() == inference::ModelQueuePolicy::DELAY;
  entry.job = std::move(job);
  level.entries.push_back(std::move(entry));
  return Status::Ok();
}

std::vector<InferJob> BatchQueue::TakeExpired(uint64_t now_ns) {
  std::vector<InferJob> rejected;
  for (Level& level : levels_) {
    std::deque<Entry> kept;
    for (Entry& entry : level.entries) {
      if (entry.deadline_ns == 0 || entry.deadline_ns > now_ns) {
        kept.push_back(std::move(entry));
      } else if (entry.delay_on_timeout) {
        entry.deadline_ns = 0;
        delayed_.push_back(std::move(entry));
      } else {
        rejected.push_back(std::move(entry.job));
      }
    }
    level.entries.swap(kept);
  }
  return rejected;
}

uint64_t BatchQueue::NextDeadline() const {
  uint64_t next = 0;
  for (const Level& level : levels_) {
    for (const Entry& entry : level.entries) {
      if (entry.deadline_ns != 0 && (next == 0 || entry.deadline_ns < next)) next = entry.deadline_ns;
    }
  }
  return next;
}

size_t BatchQueue::size() const {
  size_t total = delayed_.size();
  for (const Level& level : levels_) total += level.entries.size();
  return total;
}

const BatchQueue::Entry& BatchQueue::EntryAt(size_t i) const {
  for (const Level& level : levels_) {
    if (i < level.entries.size()) return level.entries[i];
    i -= level.entries.size();
  }
  return delayed_.at(i);
}

const InferJob& BatchQueue::At(size_t i) const { return EntryAt(i).job; }
uint64_t BatchQueue::QueuedAt(size_t i) const { return EntryAt(i).queued_ns; }

std::vector<InferJob> BatchQueue::PopFront(size_t count) {
  std::vector<InferJob> jobs;
  auto take = [&](std::deque<Entry>& entries) {
    while (jobs.size() < count && !entries.empty()) {
      jobs.push_back(std::move(entries.front().job));
      entries.pop_front();
    }
  };
  for (Level& level : levels_) take(level.entries);
  take(delayed_);
  return jobs;
}

}  // namespace inferd
