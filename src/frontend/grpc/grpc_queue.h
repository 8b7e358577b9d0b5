// The pieces every call served through a gRPC completion queue shares.
//
// A call is an object that deletes itself. It asks gRPC for the next call of
// its method on a queue (a "posted" call), and every operation it starts
// (read, write, finish) names a GrpcTag of the call, whose Proceed runs when
// the operation completes and the queue's thread takes its tag. Calls whose
// work may block for a while hand it to the queue's TaskThread instead.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "frontend/busy_polling.h"
#include "frontend/task_thread.h"

namespace inferd {

// What runs when an operation's tag comes back from the queue; `ok` is the
// queue's verdict on the operation.
class GrpcTag {
 public:
  virtual void Proceed(bool ok) = 0;

 protected:
  ~GrpcTag() = default;
};

// A tag that runs a member function of the call that owns it; a call with
// several operations in flight at once (a stream) has one for each kind.
template <typename Call>
class GrpcStep final : public GrpcTag {
 public:
  GrpcStep(Call* call, void (Call::*step)(bool)) : call_(call), step_(step) {}
  void Proceed(bool ok) override { (call_->*step_)(ok); }

 private:
  Call* call_;
  void (Call::*step_)(bool);
};

// One RPC method served on a queue: posts calls waiting for it.
class GrpcMethod {
 public:
  virtual ~GrpcMethod() = default;
  // Asks gRPC for the next call of the method.
  virtual void Post() = 0;

  // How many calls wait posted at a time: each arrival posts its successor.
  int waiting = 1;
};

// One completion queue and what its calls share. Outlives its calls.
struct GrpcQueue {
  grpc::ServerCompletionQueue* cq = nullptr;
  BusyPolling* polling = nullptr;  // shared with the server's other frontends
  TaskThread* slow_calls = nullptr;
  std::atomic<int64_t> calls{0};  // call objects of this queue alive, posted ones included
  std::vector<std::unique_ptr<GrpcMethod>> methods;
};

}  // namespace inferd
