#include "perf/concurrency_load.h"

namespace inferd::perf {

void ConcurrencyLoad::Start(double concurrency) {
  pool_.StartWorkers(static_cast<size_t>(concurrency), [this](size_t worker, InferClient* client) {
    for (uint64_t sent = 0; !pool_.stopping(); ++sent) pool_.SendOne(worker, client, sent, 0);
  });
}

}  // namespace inferd::perf
