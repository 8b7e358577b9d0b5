#include "perf/send_schedule.h"

namespace inferd::perf {

SendSchedule::SendSchedule(double rate, Distribution distribution, int64_t start_ns, size_t max_backlog,
                           uint64_t seed)
    : interval_ns_(1e9 / rate),
      distribution_(distribution),
      start_ns_(start_ns),
      max_backlog_(max_backlog),
      random_(seed),
      gap_(1.0) {}

int64_t SendSchedule::Generate() {
  // Offsets from the start, not from the previous send, so rounding does not drift.
  double offset_ns;
  if (distribution_ == Distribution::kConstant) {
    offset_ns = static_cast<double>(generated_) * interval_ns_;
  } else {
    offset_ns = poisson_offset_ns_;
    poisson_offset_ns_ += gap_(random_) * interval_ns_;
  }
  ++generated_;
  return start_ns_ + static_cast<int64_t>(offset_ns);
}

int64_t SendSchedule::Next(int64_t now_ns, std::vector<int64_t>* dropped) {
  while (pending_.size() <= max_backlog_) pending_.push_back(Generate());
  // pending_[max_backlog_] overdue means more than max_backlog_ sends are overdue.
  while (pending_[max_backlog_] <= now_ns) {
    dropped->push_back(pending_.front());
    pending_.pop_front();
    pending_.push_back(Generate());
  }
  int64_t planned = pending_.front();
  pending_.pop_front();
  return planned;
}

}  // namespace inferd::perf
