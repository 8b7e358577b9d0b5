#include "frontend/grpc/grpc_stream.h"

#include "core/protocol_rules.h"
#include "core/tracer.h"
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

void GrpcInferStream::Method::Post() {
  auto* stream = new GrpcInferStream(this);
  service_->RequestModelStreamInfer(&stream->context_, &stream->stream_, queue_->cq, queue_->cq, &stream->arrived_);
}

GrpcInferStream::GrpcInferStream(Method* method) : method_(method), stream_(&context_) { ++method_->queue_->calls; }

GrpcInferStream::~GrpcInferStream() { --method_->queue_->calls; }

void GrpcInferStream::Arrived(bool ok) {
  if (!ok) {
    delete this;  // the server is shutting down; no call came
    return;
  }
  method_->Post();
  const GrpcServiceOptions& options = *method_->options_;
  if (Status allowed = CheckRestriction(options.restrictions, ApiCategory::kInference, context_); !allowed.ok()) {
    std::lock_guard<std::mutex> lock(mutex_);
    finished_ = true;
    stream_.Finish(ToGrpcStatus(allowed), &finished_step_);
    return;
  }
  if (options.infer_compression != GRPC_COMPRESS_LEVEL_NONE) context_.set_compression_level(options.infer_compression);
  // With "triton_grpc_error: true" metadata the first error ends the stream
  // with its status instead of travelling in error_message.
  for (const auto& [key, value] : context_.client_metadata()) {
    if (std::string_view(key.data(), key.size()) == "triton_grpc_error") {
      end_on_error_ = std::string_view(value.data(), value.size()) == "true";
    }
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    reading_ = true;
  }
  ReadNext();
}

void GrpcInferStream::ReadNext() {
  incoming_ = std::make_shared<inference::ModelInferRequest>();
  read_posted_ns_ = SteadyNowNs();
  stream_.Read(incoming_.get(), &read_done_);
}

void GrpcInferStream::ReadDone(bool ok) {
  const ReadTimes read{read_posted_ns_, SteadyNowNs()};
  std::unique_lock<std::mutex> lock(mutex_);
  reading_ = false;
  if (!ok || finished_ || ending_) {
    // The client half-closed (or the stream broke): answer what is pending,
    // then finish. A stream that is ending reads nothing more.
    if (!ok) reads_done_ = true;
    Advance();
    bool unused = Unused();
    lock.unlock();
    if (unused) delete this;
    return;
  }
  // While this request is open the stream cannot finish, so the next read
  // may start outside the lock.
  ++open_requests_;
  method_->queue_->polling->RequestTaken();
  // Each request keeps its own message: its tensors view it until inference ends.
  std::shared_ptr<inference::ModelInferRequest> proto = std::move(incoming_);
  std::shared_ptr<ModelVersion> model;
  int64_t version = -1;
  bool decoupled = ParseModelVersion(proto->model_version(), &version).ok() &&
                   method_->server_->GetModel(proto->model_name(), version, &model).ok() &&
                   model->config().model_transaction_policy().decoupled();
  // The place in the answer order is taken before the next read.
  uint64_t sequence = decoupled ? kUnordered : next_sequence_++;
  reading_ = true;
  lock.unlock();
  ReadNext();
  Start(sequence, std::move(proto), std::move(model), read);
}

void GrpcInferStream::Start(uint64_t sequence, std::shared_ptr<inference::ModelInferRequest> proto,
                            std::shared_ptr<ModelVersion> model, ReadTimes read) {
  GrpcInferRequest parsed;
  Status status = ReadGrpcInferRequest(proto, method_->server_->shared_memory(), &parsed);
  if (status.ok()) status = ForwardHeaders(method_->options_->header_forwarding, context_, parsed.request.get());
  if (!status.ok()) return QueueError(sequence, proto->id(), status, true);
  parsed.request->received_start = {"GRPC_WAITREAD_START", read.posted_ns};
  parsed.request->received_end = {"GRPC_WAITREAD_END", read.arrived_ns};
  bool empty_final = parsed.enable_empty_final_response;
  // `model` is null when the lookup failed; the core then reports why.
  method_->server_->InferStream(
      std::move(model), std::move(parsed.request),
      [this, sequence, proto, empty_final, shared_memory = std::move(parsed.shared_memory_outputs)](
          Status status, std::unique_ptr<InferenceResponse> response, bool final) {
        if (!status.ok()) return QueueError(sequence, proto->id(), status, final);
        Outgoing out;
        auto* infer = out.response.mutable_infer_response();
        if (response) {
          status = WriteGrpcInferResponse(*response, shared_memory, infer);
          if (!status.ok()) return QueueError(sequence, proto->id(), status, final);
          out.held = TraceSending(std::move(response->trace), "GRPC_SEND_START", "GRPC_SEND_END");
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

void GrpcInferStream::Queue(uint64_t sequence, Outgoing outgoing, bool final) {
  std::lock_guard<std::mutex> lock(mutex_);
  bool has_content = outgoing.response.ByteSizeLong() > 0;
  if (sequence != kUnordered) {
    ordered_.emplace(sequence, std::move(outgoing));
  } else if (has_content) {
    unordered_.push_back(std::move(outgoing));
  }
  if (final) RequestDone();
  Advance();
}

void GrpcInferStream::QueueError(uint64_t sequence, const std::string& id, const Status& status, bool final) {
  if (!end_on_error_) return Queue(sequence, {ErrorResponse(id, status), nullptr}, final);
  std::lock_guard<std::mutex> lock(mutex_);
  if (sequence == kUnordered) {
    if (!ending_) ending_ = status;
  } else {
    ordered_errors_.emplace(sequence, status);
    ordered_.emplace(sequence, Outgoing());  // holds its place in the order
  }
  if (final) RequestDone();
  Advance();
}

void GrpcInferStream::RequestDone() {
  --open_requests_;
  method_->queue_->polling->RequestAnswered();
}

void GrpcInferStream::WriteDone(bool ok) {
  std::lock_guard<std::mutex> lock(mutex_);
  write_in_flight_ = false;
  writing_.held.reset();  // written (or not, the client being gone)
  if (!ok) {
    // The client is gone: the remaining responses have no one to go to.
    reads_done_ = true;
  }
  Advance();
}

void GrpcInferStream::Finished(bool) {
  std::unique_lock<std::mutex> lock(mutex_);
  finish_completed_ = true;
  bool unused = Unused();
  lock.unlock();
  if (unused) delete this;
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
      stream_.Finish(ToGrpcStatus(*ending_), &finished_step_);
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
      stream_.Finish(grpc::Status::OK, &finished_step_);
    }
    return;
  }
  write_in_flight_ = true;
  stream_.Write(writing_.response, &write_done_);
}

}  // namespace inferd
