#include "perf/load_generator.h"

namespace inferd::perf {

void WorkerPool::SendOne(size_t worker, InferClient* client, uint64_t sent, int64_t delay_ns) {
  RequestTiming timing;
  Status status = client->Infer(Payload(worker, sent), &timing);
  RequestRecord record;
  record.start_ns = timing.start_ns;
  record.end_ns = timing.end_ns;
  record.send_ns = timing.send_ns;
  record.recv_ns = timing.recv_ns;
  record.delay_ns = delay_ns;
  if (status.ok()) {
    log_->Add(worker, record);
    return;
  }
  log_->AddError(worker, record, status.message());
  SleepUntil(std::chrono::steady_clock::now() + std::chrono::milliseconds(10));
}

}  // namespace inferd::perf
