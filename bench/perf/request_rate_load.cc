#include "perf/request_rate_load.h"

#include "perf/clock.h"

namespace inferd::perf {

void RequestRateLoad::Start(double rate) {
  pool_.StopWorkers();
  // Connections first connect while sending; the first sends are planned a
  // little ahead so they are not late for that reason alone.
  schedule_ = std::make_unique<SendSchedule>(rate, distribution_, NowNs() + 1'000'000, connections_);
  pool_.StartWorkers(connections_, [this](size_t worker, InferClient* client) {
    std::vector<int64_t> dropped;
    for (uint64_t sent = 0; !pool_.stopping(); ++sent) {
      int64_t planned;
      {
        std::lock_guard<std::mutex> lock(schedule_mutex_);
        dropped.clear();
        planned = schedule_->Next(NowNs(), &dropped);
      }
      for (int64_t at : dropped) {
        RequestRecord record;
        record.kind = RequestRecord::Kind::kDropped;
        record.start_ns = record.end_ns = at;
        pool_.log().Add(worker, record);
      }
      if (!pool_.SleepUntil(Clock::time_point(std::chrono::nanoseconds(planned)))) break;
      pool_.SendOne(worker, client, sent, NowNs() - planned);
    }
  });
}

}  // namespace inferd::perf
