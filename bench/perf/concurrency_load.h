// Concurrency mode: N workers, each sending its next request as soon as the
// previous one is answered.
#pragma once

#include "perf/load_generator.h"

namespace inferd::perf {

class ConcurrencyLoad : public LoadGenerator {
 public:
  ConcurrencyLoad(ServerClient* server, const std::vector<InferPayload>* payloads) : pool_(server, payloads) {}

  void Start(double concurrency) override;
  ~ConcurrencyLoad() override { Stop(); }

  void Stop() override { pool_.StopWorkers(); }
  RequestLog& log() override { return pool_.log(); }

 private:
  WorkerPool pool_;
};

}  // namespace inferd::perf
