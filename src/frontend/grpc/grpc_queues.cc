#include "frontend/grpc/grpc_queues.h"

#include <algorithm>
#include <chrono>
#include <thread>

namespace inferd {
namespace {

void Proceed(void* tag, bool ok) { static_cast<GrpcTag*>(tag)->Proceed(ok); }

void Serve(GrpcQueue* queue, std::chrono::microseconds window) {
  grpc::ServerCompletionQueue* cq = queue->cq;
  BusyPoller poller(queue->polling, window, [cq] {
    void* tag = nullptr;
    bool ok = false;
    // A deadline already passed: takes what is ready, reading the sockets
    // once, without blocking.
    if (cq->AsyncNext(&tag, &ok, gpr_time_0(GPR_CLOCK_MONOTONIC)) != grpc::CompletionQueue::GOT_EVENT) return false;
    Proceed(tag, ok);
    return true;
  });
  void* tag = nullptr;
  bool ok = false;
  while (cq->Next(&tag, &ok)) {
    Proceed(tag, ok);
    poller.AfterWork();
  }
}

}  // namespace

struct GrpcQueues::Worker {
  std::unique_ptr<grpc::ServerCompletionQueue> cq;
  GrpcQueue queue;
  std::thread thread;
};

GrpcQueues::GrpcQueues(GrpcQueuesOptions options) : options_(options) {}

GrpcQueues::~GrpcQueues() { Stop(); }

void GrpcQueues::AddTo(grpc::ServerBuilder* builder) {
  for (int i = 0; i < std::max(1, options_.threads); ++i) {
    auto worker = std::make_unique<Worker>();
    worker->cq = builder->AddCompletionQueue();
    worker->queue.cq = worker->cq.get();
    worker->queue.polling = options_.polling;
    worker->queue.slow_calls = &slow_calls_;
    workers_.push_back(std::move(worker));
  }
}

void GrpcQueues::Start(const std::function<void(GrpcQueue*)>& add_methods) {
  auto window = std::chrono::microseconds(options_.busy_poll_us);
  for (auto& worker : workers_) {
    add_methods(&worker->queue);
    for (auto& method : worker->queue.methods) {
      for (int i = 0; i < method->waiting; ++i) method->Post();
    }
    worker->thread = std::thread(Serve, &worker->queue, window);
  }
}

void GrpcQueues::Stop() {
  if (stopped_) return;
  stopped_ = true;
  // Once the server is shut down, every posted call comes back not ok, and
  // every call that arrived finishes when its work calls back: the caller has
  // waited for inference in flight (Server::WaitForIdle), so this is quick. A
  // call left alive could still start an operation on its queue, which gRPC
  // forbids once the queue is shut down.
  for (auto& worker : workers_) {
    while (worker->thread.joinable() && worker->queue.calls > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  for (auto& worker : workers_) worker->cq->Shutdown();
  for (auto& worker : workers_) {
    if (worker->thread.joinable()) {
      worker->thread.join();  // Serve returns once the queue is drained
    } else {
      void* tag = nullptr;
      bool ok = false;
      while (worker->cq->Next(&tag, &ok)) {
      }
    }
  }
}

}  // namespace inferd
