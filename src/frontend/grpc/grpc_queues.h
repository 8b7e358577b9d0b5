// GrpcQueues: the threads that serve every gRPC call, one completion queue
// per thread.
//
// Each thread runs its queue's calls as their tags come back and, after each,
// polls the queue for a while before it blocks (frontend/busy_polling.h).
// Every RPC goes through these queues: gRPC 1.51 then starts no threads of
// its own to wait on sockets, and the thread that polls its queue is also the
// one that reads the sockets, so a request at concurrency 1 wakes no thread.
//
// Lifecycle: AddTo before the grpc::Server is built, Start once it runs, Stop
// after it has been shut down: gRPC requires a server's queues to be shut down
// after the server, and a queue to be drained before it is destroyed.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <vector>

#include "frontend/busy_polling.h"
#include "frontend/grpc/grpc_queue.h"
#include "frontend/task_thread.h"

namespace inferd {

struct GrpcQueuesOptions {
  int threads = 1;                 // --grpc-infer-thread-count
  int busy_poll_us = 0;            // --grpc-busy-poll-us
  BusyPolling* polling = nullptr;  // required; shared with the other frontends
};

class GrpcQueues {
 public:
  explicit GrpcQueues(GrpcQueuesOptions options);
  ~GrpcQueues();

  // Adds one completion queue per thread to the server being built.
  void AddTo(grpc::ServerBuilder* builder);
  // Gives each queue its methods (`add_methods` fills GrpcQueue::methods),
  // posts their calls and starts the threads. The server must be running.
  void Start(const std::function<void(GrpcQueue*)>& add_methods);
  // Waits for the calls to end, then shuts the queues down and drains them.
  // The grpc::Server must have been shut down (or never built). Idempotent.
  void Stop();

 private:
  struct Worker;

  GrpcQueuesOptions options_;
  TaskThread slow_calls_;
  std::vector<std::unique_ptr<Worker>> workers_;
  bool stopped_ = false;
};

}  // namespace inferd
