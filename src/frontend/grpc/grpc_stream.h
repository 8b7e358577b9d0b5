// ModelStreamInfer: one bidirectional stream of inference requests.
//
// Each request read from the stream is handed to the core at once; responses
// are written back in the order the requests came, one at a time, whatever
// order inference finishes in. A failed request becomes a response carrying
// `error_message`; the stream goes on. When the client half-closes, the
// stream ends with OK once every request has been answered. The reactor
// deletes itself when gRPC reports it done, which happens only after the
// last inference callback has run.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>

#include "core/server.h"
#include "grpc_service.pb.h"

namespace inferd {

class GrpcInferStream
    : public grpc::ServerBidiReactor<inference::ModelInferRequest, inference::ModelStreamInferResponse> {
 public:
  explicit GrpcInferStream(Server* server);

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnDone() override { delete this; }
  void OnCancel() override {}

 private:
  void ReadNext();
  // Runs one request; its response is stored under `sequence`.
  void Start(uint64_t sequence, std::shared_ptr<inference::ModelInferRequest> proto);
  void Complete(uint64_t sequence, inference::ModelStreamInferResponse response);
  // Writes the next response in order if possible, or finishes the stream.
  // Requires mutex_.
  void Advance();

  Server* server_;
  std::shared_ptr<inference::ModelInferRequest> incoming_;

  std::mutex mutex_;
  uint64_t next_sequence_ = 0;  // given to the next request read
  uint64_t next_to_write_ = 0;  // the response the client gets next
  std::map<uint64_t, inference::ModelStreamInferResponse> ready_;
  inference::ModelStreamInferResponse writing_;
  bool write_in_flight_ = false;
  bool reads_done_ = false;
  bool finished_ = false;
};

}  // namespace inferd
