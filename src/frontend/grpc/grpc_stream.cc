#include "frontend/grpc/grpc_stream.h"

#include "frontend/grpc/grpc_infer_request_reader.h"
#include "frontend/grpc/grpc_infer_response_writer.h"

namespace inferd {
namespace {

inference::ModelStreamInferResponse ErrorResponse(const std::string& id, const Status& status) {
  inference::ModelStreamInferResponse response;
  response.set_error_message(status.message());
  response.mutable_infer_response()->set_id(id);
  return response;
}

}  // namespace

GrpcInferStream::GrpcInferStream(Server* server) : server_(server) { ReadNext(); }

void GrpcInferStream::ReadNext() {
  incoming_ = std::make_shared<inference::ModelInferRequest>();
  StartRead(incoming_.get());
}

void GrpcInferStream::OnReadDone(bool ok) {
  if (!ok) {
    // The client half-closed (or the stream broke): answer what is pending, then finish.
    std::lock_guard<std::mutex> lock(mutex_);
    reads_done_ = true;
    Advance();
    return;
  }
  uint64_t sequence;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (finished_) return;  // the client went away; nothing more is read
    sequence = next_sequence_++;
  }
  // Each request keeps its own message: its tensors view it until inference ends.
  std::shared_ptr<inference::ModelInferRequest> proto = std::move(incoming_);
  ReadNext();
  Start(sequence, std::move(proto));
}

void GrpcInferStream::Start(uint64_t sequence, std::shared_ptr<inference::ModelInferRequest> proto) {
  GrpcInferRequest parsed;
  Status status = ReadGrpcInferRequest(proto, &parsed);
  if (!status.ok()) return Complete(sequence, ErrorResponse(proto->id(), status));
  std::string id = proto->id();
  server_->Infer(std::move(parsed.request),
                 [this, sequence, id](Status status, std::unique_ptr<InferenceResponse> response) {
                   if (!status.ok()) return Complete(sequence, ErrorResponse(id, status));
                   inference::ModelStreamInferResponse out;
                   WriteGrpcInferResponse(*response, out.mutable_infer_response());
                   // A non-decoupled model answers each request exactly once.
                   (*out.mutable_infer_response()->mutable_parameters())["triton_final_response"].set_bool_param(
                       true);
                   Complete(sequence, std::move(out));
                 });
}

void GrpcInferStream::Complete(uint64_t sequence, inference::ModelStreamInferResponse response) {
  std::lock_guard<std::mutex> lock(mutex_);
  ready_.emplace(sequence, std::move(response));
  Advance();
}

void GrpcInferStream::OnWriteDone(bool ok) {
  std::lock_guard<std::mutex> lock(mutex_);
  write_in_flight_ = false;
  if (!ok) {
    // The client is gone: the remaining responses have no one to go to.
    reads_done_ = true;
  }
  Advance();
}

void GrpcInferStream::Advance() {
  if (finished_ || write_in_flight_) return;
  auto next = ready_.find(next_to_write_);
  if (next != ready_.end()) {
    writing_ = std::move(next->second);
    ready_.erase(next);
    ++next_to_write_;
    write_in_flight_ = true;
    StartWrite(&writing_);
    return;
  }
  // Done when the client sent everything and every request was answered.
  if (reads_done_ && next_to_write_ == next_sequence_) {
    finished_ = true;
    Finish(grpc::Status::OK);
  }
}

}  // namespace inferd
