#include "frontend/grpc/grpc_stream.h"

#include "core/protocol_rules.h"
#include "frontend/grpc/grpc_infer_request_reader.h"
#include "frontend/grpc/grpc_infer_response_writer.h"
#include "frontend/grpc/grpc_status.h"

namespace inferd {
namespace {

inference::ModelStreamInferResponse ErrorResponse(const std::string& id, const Status& status) {
  inference::ModelStreamInferResponse response;
  response.set_error_message(status.message());
  response.mutable_infer_response()->set_id(id);
  return response;
}

}  // namespace

GrpcInferStream::GrpcInferStream(Server* server, bool end_on_error) : server_(server), end_on_error_(end_on_error) {
  ReadNext();
}

void GrpcInferStream::ReadNext() {
  incoming_ = std::make_shared<inference::ModelInferRequest>();
  StartRead(incoming_.get());
}

void GrpcInferStream::OnReadDone(bool ok) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!ok) {
    // The client half-closed (or the stream broke): answer what is pending, then finish.
    reads_done_ = true;
    Advance();
    return;
  }
  if (finished_ || ending_) return;  // the stream is ending; nothing more is read
  ++open_requests_;
  lock.unlock();
  // Each request keeps its own message: its tensors view it until inference ends.
  std::shared_ptr<inference::ModelInferRequest> proto = std::move(incoming_);
  // The place in the answer order is taken before the next read can start
  // another request on another thread.
  std::shared_ptr<ModelVersion> model;
  int64_t version = -1;
  bool decoupled = ParseModelVersion(proto->model_version(), &version).ok() &&
                   server_->GetModel(proto->model_name(), version, &model).ok() &&
                   model->config().model_transaction_policy().decoupled();
  uint64_t sequence = kUnordered;
  if (!decoupled) {
    lock.lock();
    sequence = next_sequence_++;
    lock.unlock();
  }
  ReadNext();
  Start(sequence, std::move(proto), std::move(model));
}

void GrpcInferStream::Start(uint64_t sequence, std::shared_ptr<inference::ModelInferRequest> proto,
                            std::shared_ptr<ModelVersion> model) {
  GrpcInferRequest parsed;
  Status status = ReadGrpcInferRequest(proto, &parsed);
  if (!status.ok()) return QueueError(sequence, proto->id(), status, true);
  bool empty_final = parsed.enable_empty_final_response;
  // `model` is null when the lookup failed; the core then reports why.
  server_->InferStream(
      std::move(model), std::move(parsed.request),
      [this, sequence, proto, empty_final](Status status, std::unique_ptr<InferenceResponse> response, bool final) {
        if (!status.ok()) return QueueError(sequence, proto->id(), status, final);
        inference::ModelStreamInferResponse out;
        auto* infer = out.mutable_infer_response();
        if (response) {
          WriteGrpcInferResponse(*response, infer);
        } else {
          // A decoupled model's flags-only end: sent only if the client asked for it.
          if (!empty_final) return Queue(sequence, {}, final);
          infer->set_model_name(proto->model_name());
          infer->set_model_version(proto->model_version());
          infer->set_id(proto->id());
        }
        (*infer->mutable_parameters())["triton_final_response"].set_bool_param(final);
        Queue(sequence, std::move(out), final);
      });
}

void GrpcInferStream::Queue(uint64_t sequence, inference::ModelStreamInferResponse response, bool final) {
  std::lock_guard<std::mutex> lock(mutex_);
  bool has_content = response.ByteSizeLong() > 0;
  if (sequence != kUnordered) {
    ordered_.emplace(sequence, std::move(response));
  } else if (has_content) {
    unordered_.push_back(std::move(response));
  }
  if (final) --open_requests_;
  Advance();
}

void GrpcInferStream::QueueError(uint64_t sequence, const std::string& id, const Status& status, bool final) {
  if (!end_on_error_) return Queue(sequence, ErrorResponse(id, status), final);
  std::lock_guard<std::mutex> lock(mutex_);
  if (sequence == kUnordered) {
    if (!ending_) ending_ = status;
  } else {
    ordered_errors_.emplace(sequence, status);
    ordered_.emplace(sequence, inference::ModelStreamInferResponse());  // holds its place in the order
  }
  if (final) --open_requests_;
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
  if (auto error = ordered_errors_.find(next_to_write_); !ending_ && error != ordered_errors_.end()) {
    ending_ = error->second;  // every response before it has been written
  }
  if (ending_) {
    // Nothing more is written; the stream ends once no request is in flight.
    if (open_requests_ == 0) {
      finished_ = true;
      Finish(ToGrpcStatus(*ending_));
    }
    return;
  }
  if (!unordered_.empty()) {
    writing_ = std::move(unordered_.front());
    unordered_.pop_front();
  } else if (auto next = ordered_.find(next_to_write_); next != ordered_.end()) {
    writing_ = std::move(next->second);
    ordered_.erase(next);
    ++next_to_write_;
  } else {
    // Done when the client sent everything and every request was answered.
    if (reads_done_ && open_requests_ == 0) {
      finished_ = true;
      Finish(grpc::Status::OK);
    }
    return;
  }
  write_in_flight_ = true;
  StartWrite(&writing_);
}

}  // namespace inferd
