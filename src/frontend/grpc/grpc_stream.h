// ModelStreamInfer: one bidirectional stream of inference requests, served
// through a completion queue (grpc_queue.h).
//
// Each request read from the stream is handed to the core at once. Requests
// to ordinary models are answered in the order they came, whatever order
// inference finishes in. Requests to decoupled models are answered as their
// responses are produced (0..N each, `triton_final_response` marking the
// last). A failed request becomes a response carrying `error_message`; the
// stream goes on. When the client half-closes, the stream ends with OK once
// every request has had its final response. A traced request gets the
// GRPC_WAITREAD_* stamps of its read and the GRPC_SEND_* stamps of each of
// its responses' writes.
//
// Lifecycle: the stream reads one message at a time and writes one at a time;
// inference callbacks queue responses from any thread. The object deletes
// itself once its Finish has completed and no read is in flight; Finish comes
// only after the last inference callback.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "core/server.h"
#include "frontend/grpc/grpc_service_options.h"
#include "frontend/grpc/grpc_queue.h"
#include "grpc_service.grpc.pb.h"

namespace inferd {

class GrpcInferStream {
 public:
  using Service = inference::GRPCInferenceService::AsyncService;

  class Method final : public GrpcMethod {
   public:
    Method(GrpcQueue* queue, Service* service, Server* server, const GrpcServiceOptions* options)
        : queue_(queue), service_(service), server_(server), options_(options) {}
    void Post() override;

   private:
    friend class GrpcInferStream;
    GrpcQueue* queue_;
    Service* service_;
    Server* server_;
    const GrpcServiceOptions* options_;
  };

 private:
  explicit GrpcInferStream(Method* method);
  ~GrpcInferStream();

  // The steps run when an operation's tag comes back.
  void Arrived(bool ok);
  void ReadDone(bool ok);
  void WriteDone(bool ok);
  void Finished(bool ok);

  // Starts reading the next request. Requires mutex_ not held.
  void ReadNext();
  // When a read was posted and when its message arrived (steady clock, ns).
  struct ReadTimes {
    uint64_t posted_ns;
    uint64_t arrived_ns;
  };
  // A response waiting to be written, with what to let go once it is (a
  // trace that then notes GRPC_SEND_END).
  struct Outgoing {
    inference::ModelStreamInferResponse response;
    std::shared_ptr<void> held;
  };

  // Runs one request; `sequence` is its place in the answer order (kUnordered
  // for decoupled models).
  void Start(uint64_t sequence, std::shared_ptr<inference::ModelInferRequest> proto,
             std::shared_ptr<ModelVersion> model, ReadTimes read);
  // Queues a response: in request order under `sequence`, or at once when
  // `sequence` is kUnordered. `final` ends its request.
  void Queue(uint64_t sequence, Outgoing outgoing, bool final);
  // A failed request: an error_message response, or in end-on-error mode the
  // status that ends the stream once the responses before it are written.
  void QueueError(uint64_t sequence, const std::string& id, const Status& status, bool final);
  // A request had its final response. Requires mutex_.
  void RequestDone();
  // Writes the next response if possible, or finishes the stream. Requires mutex_.
  void Advance();
  // Whether nothing of gRPC's refers to the stream any more. Requires mutex_.
  bool Unused() const { return finish_completed_ && !reading_; }

  static constexpr uint64_t kUnordered = UINT64_MAX;

  Method* method_;
  GrpcStep<GrpcInferStream> arrived_{this, &GrpcInferStream::Arrived};
  GrpcStep<GrpcInferStream> read_done_{this, &GrpcInferStream::ReadDone};
  GrpcStep<GrpcInferStream> write_done_{this, &GrpcInferStream::WriteDone};
  GrpcStep<GrpcInferStream> finished_step_{this, &GrpcInferStream::Finished};
  grpc::ServerContext context_;
  grpc::ServerAsyncReaderWriter<inference::ModelStreamInferResponse, inference::ModelInferRequest> stream_;
  std::shared_ptr<inference::ModelInferRequest> incoming_;
  uint64_t read_posted_ns_ = 0;  // when the read of incoming_ was posted
  bool end_on_error_ = false;

  std::mutex mutex_;
  bool reading_ = false;
  uint64_t next_sequence_ = 0;  // given to the next ordered request
  uint64_t next_to_write_ = 0;  // the ordered response the client gets next
  std::map<uint64_t, Outgoing> ordered_;
  std::deque<Outgoing> unordered_;
  uint64_t open_requests_ = 0;  // read but not yet finally answered
  Outgoing writing_;
  bool write_in_flight_ = false;
  bool reads_done_ = false;
  bool finished_ = false;          // Finish was called
  bool finish_completed_ = false;  // and its tag came back
  std::map<uint64_t, Status> ordered_errors_;  // end-on-error mode: errors in answer order
  std::optional<Status> ending_;               // the error that ends the stream
};

}  // namespace inferd
