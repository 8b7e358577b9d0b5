// Request-rate mode: sends at planned times (constant or Poisson gaps) over a
// pool of connections. A send whose connection is still busy at its planned
// time goes out late; see SendSchedule for when planned sends are dropped.
#pragma once

#include <memory>
#include <mutex>

#include "perf/load_generator.h"
#include "perf/send_schedule.h"

namespace inferd::perf {

class RequestRateLoad : public LoadGenerator {
 public:
  RequestRateLoad(ServerClient* server, const std::vector<InferPayload>* payloads, Distribution distribution,
                  size_t connections)
      : pool_(server, payloads), distribution_(distribution), connections_(connections) {}

  void Start(double rate) override;
  ~RequestRateLoad() override { Stop(); }

  void Stop() override { pool_.StopWorkers(); }
  RequestLog& log() override { return pool_.log(); }

 private:
  WorkerPool pool_;
  Distribution distribution_;
  size_t connections_;
  std::mutex schedule_mutex_;
  std::unique_ptr<SendSchedule> schedule_;
};

}  // namespace inferd::perf
