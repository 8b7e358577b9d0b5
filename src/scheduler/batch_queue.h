// BatchQueue: the dynamic batcher's queue of waiting requests.
//
// One FIFO per priority level (1 is served first), each with its queue
// policy: a maximum size and a timeout with what happens when it passes
// (REJECT: the request fails; DELAY: it waits behind every request that has
// not timed out). Jobs are served in that order: level 1 to N, then the
// delayed ones. Not thread-safe; the batcher guards it.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "model_config.pb.h"
#include "scheduler/infer_job.h"

namespace inferd {

class BatchQueue {
 public:
  explicit BatchQueue(const inference::ModelDynamicBatching& config);

  // Queues `job` at `now_ns`. Fails with UNAVAILABLE, leaving `job` with the
  // caller, when the queue of its priority level is full.
  Status Push(InferJob& job, uint64_t now_ns);

  // Takes out the jobs whose timeout passed at `now_ns` and whose policy
  // rejects them; moves those whose policy delays them behind the others.
  std::vector<InferJob> TakeExpired(uint64_t now_ns);

  // The earliest timeout among queued jobs that have not yet timed out; 0
  // when none has one.
  uint64_t NextDeadline() const;

  size_t size() const;
  bool empty() const { return size() == 0; }

  // The i-th job in service order, and when it was queued.
  const InferJob& At(size_t i) const;
  uint64_t QueuedAt(size_t i) const;

  // Removes and returns the first `count` jobs in service order.
  std::vector<InferJob> PopFront(size_t count);

 private:
  struct Entry {
    InferJob job;
    uint64_t queued_ns = 0;
    uint64_t deadline_ns = 0;  // 0: no timeout
    bool delay_on_timeout = false;
  };
  struct Level {
    inference::ModelQueuePolicy policy;
    std::deque<Entry> entries;
  };

  // The priority level (index into levels_) of a request.
  size_t LevelOf(const InferenceRequest& request) const;
  const Entry& EntryAt(size_t i) const;

  std::vector<Level> levels_;
  size_t default_level_ = 0;
  std::deque<Entry> delayed_;
};

}  // namespace inferd
