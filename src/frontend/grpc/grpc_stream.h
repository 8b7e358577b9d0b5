// ModelStreamInfer: one bidirectional stream of inference requests.
//
// Each request read from the stream is handed to the core at once. Requests
// to ordinary models are answered in the order they came, whatever order
// inference finishes in. Requests to decoupled models are answered as their
// responses are produced (0..N each, `triton_final_response` marking the
// last). A failed request becomes a response carrying `error_message`; the
// stream goes on. When the client half-closes, the stream ends with OK once
// every request has had its final response. The reactor deletes itself when
// gRPC reports it done, which happens only after the last inference callback.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "core/server.h"
#include "grpc_service.pb.h"

namespace inferd {

class GrpcInferStream
    : public grpc::ServerBidiReactor<inference::ModelInferRequest, inference::ModelStreamInferResponse> {
 public:
  GrpcInferStream(Server* server, bool end_on_error);

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnDone() override { delete this; }
  void OnCancel() override {}

 private:
  void ReadNext();
  // Runs one request; `sequence` is its place in the answer order (kUnordered
  // for decoupled models).
  void Start(uint64_t sequence, std::shared_ptr<inference::ModelInferRequest> proto,
             std::shared_ptr<ModelVersion> model);
  // Queues a response: in request order under `sequence`, or at once when
  // `sequence` is kUnordered. `final` ends its request.
  void Queue(uint64_t sequence, inference::ModelStreamInferResponse response, bool final);
  // A failed request: an error_message response, or in end-on-error mode the
  // status that ends the stream once the responses before it are written.
  void QueueError(uint64_t sequence, const std::string& id, const Status& status, bool final);
  // Writes the next response if possible, or finishes the stream. Requires mutex_.
  void Advance();

  static constexpr uint64_t kUnordered = UINT64_MAX;

  Server* server_;
  std::shared_ptr<inference::ModelInferRequest> incoming_;

  std::mutex mutex_;
  uint64_t next_sequence_ = 0;  // given to the next ordered request
  uint64_t next_to_write_ = 0;  // the ordered response the client gets next
  std::map<uint64_t, inference::ModelStreamInferResponse> ordered_;
  std::deque<inference::ModelStreamInferResponse> unordered_;
  uint64_t open_requests_ = 0;  // read but not yet finally answered
  inference::ModelStreamInferResponse writing_;
  bool write_in_flight_ = false;
  bool reads_done_ = false;
  bool finished_ = false;
  const bool end_on_error_;
  std::map<uint64_t, Status> ordered_errors_;  // end-on-error mode: errors in answer order
  std::optional<Status> ending_;               // the error that ends the stream

};

}  // namespace inferd
