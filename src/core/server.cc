#include "core/server.h"

#include "core/classification.h"
#include "core/protocol_rules.h"
#include "core/request_validator.h"

namespace inferd {
namespace {

// The timestamps of a finished request, from its timeline, in the order it passed them.
void TraceTimeline(const RequestTimeline& timeline, uint64_t end_ns, RequestTrace* trace) {
  trace->Timestamp("REQUEST_START", timeline.received_ns);
  if (timeline.queued_ns) trace->Timestamp("QUEUE_START", timeline.queued_ns);
  if (timeline.exec_start_ns) {
    uint64_t at = timeline.exec_start_ns;
    trace->Timestamp("COMPUTE_START", at);
    trace->Timestamp("COMPUTE_INPUT_END", at += timeline.compute.input_ns);
    trace->Timestamp("COMPUTE_OUTPUT_START", at += timeline.compute.infer_ns);
    trace->Timestamp("COMPUTE_END", at + timeline.compute.output_ns);
  }
  trace->Timestamp("REQUEST_END", end_ns);
}

}  // namespace

const char* const kInferdVersion = "0.1.0";

Server::Server(ServerOptions options, ModelManager* models) : options_(std::move(options)), models_(models) {}

const std::vector<std::string>& Server::extensions() const {
  // Only what this build implements; the rest of Triton's list follows as it lands.
  static const std::vector<std::string> kExtensions = {"classification", "model_configuration",
                                                       "system_shared_memory", "binary_tensor_data", "parameters",
                                                       "statistics", "model_repository",
                                                       "model_repository(unload_dependents)", "logging",
                                                       "trace"};
  return kExtensions;
}

bool Server::IsReady() const {
  if (exiting_) return false;
  return !options_.strict_readiness || models_->AllReady();
}

Status Server::GetModel(const std::string& name, int64_t version, std::shared_ptr<ModelVersion>* model) const {
  return models_->Get(name, version, model);
}

Status Server::CheckTraceModel(const std::string& name) const {
  std::shared_ptr<ModelVersion> model;
  Status found = models_->Get(name, -1, &model);
  if (found.ok()) return found;
  for (const ModelStatus& status : models_->RepositoryIndex()) {
    if (status.name == name) return Status::InvalidArg("Request for unknown model : " + name);
  }
  return found;
}

Status Server::LoadModel(const std::string& name, const ModelLoadOverrides& overrides) {
  if (options_.model_control_mode != ModelControlMode::kExplicit) return ModelControlNotAllowed();
  if (exiting_) return Status::Unavailable("Server is exiting");
  return models_->Load(name, overrides);
}

Status Server::UnloadModel(const std::string& name, bool unload_dependents) {
  if (options_.model_control_mode != ModelControlMode::kExplicit) return ModelControlNotAllowed();
  if (exiting_) return Status::Unavailable("Server is exiting");
  return models_->Unload(name, unload_dependents);
}

void Server::RunControl(std::function<Status()> call, std::function<void(Status)> done) {
  if (options_.model_control_mode != ModelControlMode::kExplicit) return done(ModelControlNotAllowed());
  // Counted like a request, so that shutdown waits for it to answer.
  {
    std::lock_guard<std::mutex> lock(idle_mutex_);
    ++in_flight_;
  }
  control_tasks_.Run([this, call = std::move(call), done = std::move(done)] {
    done(call());
    std::lock_guard<std::mutex> lock(idle_mutex_);
    if (--in_flight_ == 0) idle_.notify_all();
  });
}

void Server::LoadModelAsync(std::string name, ModelLoadOverrides overrides, std::function<void(Status)> done) {
  RunControl([this, name = std::move(name), overrides = std::move(overrides)] { return LoadModel(name, overrides); },
             std::move(done));
}

void Server::UnloadModelAsync(std::string name, bool unload_dependents, std::function<void(Status)> done) {
  RunControl([this, name = std::move(name), unload_dependents] { return UnloadModel(name, unload_dependents); },
             std::move(done));
}

std::vector<int64_t> Server::ReadyVersions(const std::string& name) const {
  std::vector<int64_t> versions;
  for (const auto& model : models_->Index()) {
    if (model.name != name) continue;
    for (const auto& version : model.versions) {
      if (version.state == ModelState::kReady) versions.push_back(version.version);
    }
  }
  return versions;
}

Status Server::Statistics(const std::string& name, int64_t version, std::vector<ModelStatsEntry>* out) const {
  for (const auto& model : models_->Index()) {
    if (!name.empty() && model.name != name) continue;
    for (const auto& status : model.versions) {
      if (status.state != ModelState::kReady || (version >= 0 && status.version != version)) continue;
      std::shared_ptr<ModelVersion> loaded;
      if (!models_->Get(model.name, status.version, &loaded).ok()) continue;  // unloaded meanwhile
      out->push_back({model.name, status.version, loaded->stats().Snapshot()});
    }
  }
  if (name.empty() || !out->empty()) return Status::Ok();
  if (version >= 0) return Status::InvalidArg("requested model version is not available for model '" + name + "'");
  return Status::InvalidArg("requested model '" + name + "' is not available");
}

namespace {

// Names, classifies and stamps one response as the client asked for it.
Status FinishResponse(const ModelVersion& model, const InferenceRequest& request, InferenceResponse* response) {
  response->model_name = model.name();
  response->model_version = model.version();
  response->id = request.id;
  for (Tensor& tensor : response->outputs) {
    uint32_t classes = 0;
    for (const auto& requested : request.outputs) {
      if (requested.name == tensor.name) classes = requested.classification_count;
    }
    if (classes == 0) continue;
    Tensor classified;
    INFERD_RETURN_IF_ERROR(
        Classify(tensor, classes, model.config().max_batch_size() > 0, model.Labels(tensor.name), &classified));
    tensor = std::move(classified);
  }
  return Status::Ok();
}

// Counts a finished request in its model's statistics.
void RecordRequest(const Status& status, const RequestTimeline& timeline, ModelStats* stats) {
  uint64_t now = SteadyNowNs();
  uint64_t duration = now - timeline.received_ns;
  if (!status.ok()) return stats->RecordFailure(timeline.failure, duration);
  uint64_t queue_end = timeline.exec_start_ns ? timeline.exec_start_ns : now;
  uint64_t queue = timeline.queued_ns && queue_end > timeline.queued_ns ? queue_end - timeline.queued_ns : 0;
  stats->RecordSuccess(timeline.batch_size, duration, queue, timeline.compute);
}

}  // namespace

bool Server::AnswerFromCache(ModelVersion& model, const InferenceRequest& request, const std::string& key,
                             uint64_t lookup_start_ns, const RequestTimeline& timeline,
                             const std::shared_ptr<RequestTrace>& trace, const StreamCallback& callback) {
  auto response = std::make_unique<InferenceResponse>();
  if (!cache_->Lookup(key, &response->outputs, &response->parameters)) return false;
  response->model_name = model.name();
  response->model_version = model.version();
  response->id = request.id;
  uint64_t now = SteadyNowNs();
  // The request waited only for the lookup: its queue time ends there.
  model.stats().RecordCacheHit(now - timeline.received_ns, lookup_start_ns - timeline.received_ns,
                               now - lookup_start_ns);
  if (trace) {
    trace->Timestamp("INFER_RESPONSE_COMPLETE", now);
    TraceTimeline(timeline, now, trace.get());
    response->trace = trace;
  }
  callback(Status::Ok(), std::move(response), true);
  return true;
}

int64_t Server::WaitForIdle(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(idle_mutex_);
  idle_.wait_for(lock, timeout, [this] { return in_flight_ == 0; });
  return in_flight_;
}

namespace {

// Passes on the first (and for ordinary models only) response.
StreamCallback FirstResponse(InferCallback done) {
  auto answered = std::make_shared<bool>(false);
  return [done = std::move(done), answered](Status status, std::unique_ptr<InferenceResponse> response, bool final) {
    if (*answered) return;
    if (status.ok() && !response) {
      if (!final) return;
      status = Status::Internal("the model finished without sending a response");
    }
    *answered = true;
    done(std::move(status), std::move(response));
  };
}

}  // namespace

void Server::Infer(std::unique_ptr<InferenceRequest> request, InferCallback done) {
  InferStream(std::move(request), FirstResponse(std::move(done)));
}

void Server::Infer(std::shared_ptr<ModelVersion> model, std::unique_ptr<InferenceRequest> request,
                   InferCallback done) {
  InferStream(std::move(model), std::move(request), FirstResponse(std::move(done)));
}

void Server::InferStream(std::unique_ptr<InferenceRequest> request, StreamCallback callback) {
  InferStream(nullptr, std::move(request), std::move(callback));
}

void Server::InferStream(std::shared_ptr<ModelVersion> model, std::unique_ptr<InferenceRequest> request,
                         StreamCallback user_callback) {
  {
    std::lock_guard<std::mutex> lock(idle_mutex_);
    ++in_flight_;
  }
  // Counts the request out after its final response, whichever way it ends.
  StreamCallback callback = [this, user_callback = std::move(user_callback)](
                                Status status, std::unique_ptr<InferenceResponse> response, bool final) {
    user_callback(std::move(status), std::move(response), final);
    if (!final) return;
    std::lock_guard<std::mutex> lock(idle_mutex_);
    if (--in_flight_ == 0) idle_.notify_all();
  };
  if (exiting_) return callback(Status::Unavailable("Server is exiting"), nullptr, true);
  auto timeline = std::make_shared<RequestTimeline>();
  timeline->received_ns = SteadyNowNs();
  Status status;
  if (!model) status = models_->Get(request->model_name, request->model_version, &model);
  if (!status.ok()) return callback(std::move(status), nullptr, true);
  InferJob job;
  status = ValidateRequest(model->config(), request.get(), &job.output_names);
  if (!status.ok()) {
    model->stats().RecordFailure(FailureReason::kOther, SteadyNowNs() - timeline->received_ns);
    return callback(std::move(status), nullptr, true);
  }
  timeline->batch_size = RequestBatchSize(*request, model->config().max_batch_size() > 0);
  std::shared_ptr<RequestTrace> trace =
      request->parent_trace ? tracer_.Child(*request->parent_trace) : tracer_.Sample(model->config().name());
  if (trace) {
    trace->Describe(model->config().name(), model->version(), request->id);
    for (const TraceStamp& stamp : {request->received_start, request->received_end}) {
      if (stamp.name) trace->Timestamp(stamp.name, stamp.ns);
    }
    for (const Tensor& input : request->inputs) trace->AddTensor("TENSOR_QUEUE_INPUT", input);
  }
  std::string cache_key;  // empty: the response cache is not used
  uint64_t lookup_ns = 0;
  if (CachesResponses(model->config())) {
    uint64_t lookup_start = SteadyNowNs();
    cache_key = ResponseCache::Key(model->config().name(), model->version(), model->load_serial(), *request);
    if (AnswerFromCache(*model, *request, cache_key, lookup_start, *timeline, trace, callback)) return;
    lookup_ns = SteadyNowNs() - lookup_start;
  }
  std::shared_ptr<const InferenceRequest> shared_request = std::move(request);
  job.request = shared_request;
  job.timeline = timeline;
  job.trace = trace;
  job.on_response = [model, shared_request, timeline, trace, cache = cache_.get(), cache_key, lookup_ns,
                     callback = std::move(callback)](Status status, std::unique_ptr<InferenceResponse> response,
                                                     bool final) {
    if (status.ok() && response) status = FinishResponse(*model, *shared_request, response.get());
    if (!status.ok()) response.reset();
    if (final && !cache_key.empty()) {  // a cached model is never decoupled: this is its one response
      uint64_t insert_start = SteadyNowNs();
      if (response) cache->Insert(cache_key, *response);
      model->stats().RecordCacheMiss(lookup_ns + (SteadyNowNs() - insert_start));
    }
    if (final) RecordRequest(status, *timeline, &model->stats());
    if (trace) {
      uint64_t now = SteadyNowNs();
      if (response) {
        trace->Timestamp("INFER_RESPONSE_COMPLETE", now);
        for (const Tensor& output : response->outputs) trace->AddTensor("TENSOR_BACKEND_OUTPUT", output);
      }
      if (final) TraceTimeline(*timeline, now, trace.get());
      // The frontend adds its send timestamps.
      if (response) response->trace = trace;
    }
    callback(std::move(status), std::move(response), final);
  };
  model->Enqueue(std::move(job));
}

}  // namespace inferd
