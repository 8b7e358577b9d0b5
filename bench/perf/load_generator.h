// LoadGenerator: keeps a server busy at one load level until stopped,
// recording every request in its RequestLog.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "perf/model_info.h"
#include "perf/request_log.h"
#include "perf/server_client.h"

namespace inferd::perf {

class LoadGenerator {
 public:
  virtual ~LoadGenerator() = default;
  // Starts sending at `level` (a concurrency or a request rate), each worker
  // on a connection of its own. Call Stop before starting another level.
  virtual void Start(double level) = 0;
  // Stops sending and waits for the requests in flight, each bounded by the
  // client timeout. The log is kept until the next Start.
  virtual void Stop() = 0;
  virtual RequestLog& log() = 0;
};

// What both load modes share: the workers, their clients, stopping.
class WorkerPool {
 public:
  WorkerPool(ServerClient* server, const std::vector<InferPayload>* payloads) : server_(server), payloads_(payloads) {}
  ~WorkerPool() { StopWorkers(); }

  // Starts `count` workers, each running `body(worker index, its client)`
  // until stopping() is true.
  template <typename Body>
  void StartWorkers(size_t count, Body body) {
    StopWorkers();
    log_ = std::make_unique<RequestLog>(count);
    stopping_ = false;
    clients_.clear();
    for (size_t i = 0; i < count; ++i) clients_.push_back(server_->NewInferClient());
    for (size_t i = 0; i < count; ++i) {
      threads_.emplace_back([this, i, body] { body(i, clients_[i].get()); });
    }
  }

  void StopWorkers() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& thread : threads_) thread.join();
    threads_.clear();
    clients_.clear();
  }

  bool stopping() const { return stopping_; }

  // Sleeps until `deadline` or until stopping; true when the deadline came.
  template <typename TimePoint>
  bool SleepUntil(TimePoint deadline) {
    std::unique_lock<std::mutex> lock(mutex_);
    return !wake_.wait_until(lock, deadline, [this] { return stopping_.load(); });
  }

  // The i-th payload a worker sends, spreading workers over the data.
  const InferPayload& Payload(size_t worker, uint64_t sent) const {
    return (*payloads_)[(worker + sent) % payloads_->size()];
  }

  RequestLog& log() { return *log_; }

  // Sends one request of `worker` and records it, with `delay_ns` after its
  // planned time. After an error the worker pauses briefly, so a failing
  // server is not flooded.
  void SendOne(size_t worker, InferClient* client, uint64_t sent, int64_t delay_ns);

 private:
  ServerClient* server_;
  const std::vector<InferPayload>* payloads_;
  std::unique_ptr<RequestLog> log_ = std::make_unique<RequestLog>(0);
  std::vector<std::unique_ptr<InferClient>> clients_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
};

}  // namespace inferd::perf
