// GrpcUnaryCall: one unary call served through a completion queue.
//
// Lifecycle. Its method posts it; its tag then comes back at most twice:
//  1. A call arrived (ok): the method posts the next call, so one always
//     waits, and the handler runs with the call, on the queue's thread or,
//     for a method that may block, on the queue's TaskThread. The handler (or
//     a callback it arranges, on any thread) calls Finish exactly once.
//     Not ok: the server is shutting down and no call came; the object
//     deletes itself.
//  2. The call finished (ok, or not when the client went away): the object
//     deletes itself.
#pragma once

#include <functional>
#include <memory>
#include <utility>

#include "core/model_stats.h"
#include "core/status.h"
#include "frontend/grpc/grpc_queue.h"
#include "frontend/grpc/grpc_status.h"

namespace inferd {

// How a generated AsyncService (or the base class declaring the method) asks
// for the next call of one unary method.
template <typename Service, typename Request, typename Response>
using GrpcRequestFn = void (Service::*)(grpc::ServerContext*, Request*, grpc::ServerAsyncResponseWriter<Response>*,
                                        grpc::CompletionQueue*, grpc::ServerCompletionQueue*, void*);

template <typename Service, typename Request, typename Response>
class GrpcUnaryCall final : public GrpcTag {
 public:
  using RequestFn = GrpcRequestFn<Service, Request, Response>;
  using Handler = std::function<void(GrpcUnaryCall*)>;

  class Method final : public GrpcMethod {
   public:
    Method(GrpcQueue* queue, Service* service, RequestFn request, Handler handle, bool may_block)
        : queue_(queue), service_(service), request_(request), handle_(std::move(handle)), may_block_(may_block) {}

    void Post() override {
      auto* call = new GrpcUnaryCall(this);
      (service_->*request_)(&call->context_, call->request_.get(), &call->responder_, queue_->cq, queue_->cq, call);
    }

   private:
    friend class GrpcUnaryCall;
    GrpcQueue* queue_;
    Service* service_;
    RequestFn request_;
    Handler handle_;
    bool may_block_;
  };

  const Request& request() const { return *request_; }
  // The request, for data that must outlive the handler (tensors viewing it).
  std::shared_ptr<const Request> shared_request() const { return request_; }
  Response* response() { return &response_; }
  grpc::ServerContext& context() { return context_; }
  // Steady-clock times: when the call was posted (the wait for it began) and
  // when it arrived with its request.
  uint64_t posted_ns() const { return posted_ns_; }
  uint64_t arrived_ns() const { return arrived_ns_; }
  // Holds `held` until the answer is sent (or the call fails), then lets it go.
  void KeepUntilFinished(std::shared_ptr<void> held) { held_ = std::move(held); }

  // Answers with the response (status OK) or with the error. Any thread, once.
  void Finish(const Status& status) {
    finishing_ = true;
    if (status.ok()) {
      responder_.Finish(response_, grpc::Status::OK, this);
    } else {
      responder_.FinishWithError(ToGrpcStatus(status), this);
    }
  }

  void Proceed(bool ok) override {
    GrpcQueue* queue = method_->queue_;
    if (finishing_) {
      queue->polling->RequestAnswered();
      delete this;
      return;
    }
    if (!ok) {
      delete this;
      return;
    }
    arrived_ns_ = SteadyNowNs();
    method_->Post();
    queue->polling->RequestTaken();
    if (method_->may_block_) {
      queue->slow_calls->Post([this] { method_->handle_(this); });
    } else {
      method_->handle_(this);
    }
  }

 private:
  explicit GrpcUnaryCall(Method* method)
      : method_(method), request_(std::make_shared<Request>()), responder_(&context_), posted_ns_(SteadyNowNs()) {
    ++method_->queue_->calls;
  }
  ~GrpcUnaryCall() { --method_->queue_->calls; }

  Method* method_;
  bool finishing_ = false;  // Finish was called: the next tag is the last
  grpc::ServerContext context_;
  std::shared_ptr<Request> request_;
  Response response_;
  grpc::ServerAsyncResponseWriter<Response> responder_;
  uint64_t posted_ns_;
  uint64_t arrived_ns_ = 0;
  std::shared_ptr<void> held_;
};

}  // namespace inferd
