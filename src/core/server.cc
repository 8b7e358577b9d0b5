#include "core/server.h"

#include "core/classification.h"
#include "core/request_validator.h"

namespace inferd {

const char* const kInferdVersion = "0.1.0";

Server::Server(ServerOptions options, ModelManager* models) : options_(std::move(options)), models_(models) {}

const std::vector<std::string>& Server::extensions() const {
  // Only what this build implements; the rest of Triton's list follows as it lands.
  static const std::vector<std::string> kExtensions = {"classification", "model_configuration",
                                                       "binary_tensor_data", "parameters",
                                                       "model_repository"};
  return kExtensions;
}

bool Server::IsReady() const {
  if (exiting_) return false;
  return !options_.strict_readiness || models_->AllReady();
}

Status Server::GetModel(const std::string& name, int64_t version, std::shared_ptr<ModelVersion>* model) const {
  return models_->Get(name, version, model);
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

namespace {

// Turns the instance's outputs into the response the client asked for.
Status BuildResponse(const ModelVersion& model, const InferenceRequest& request, std::vector<Tensor> outputs,
                     const std::vector<std::string>& output_names, InferenceResponse* response) {
  response->model_name = model.name();
  response->model_version = model.version();
  response->id = request.id;
  response->outputs.reserve(outputs.size());
  for (size_t i = 0; i < outputs.size(); ++i) {
    Tensor& tensor = outputs[i];
    tensor.name = output_names[i];
    uint32_t classes = i < request.outputs.size() ? request.outputs[i].classification_count : 0;
    if (classes > 0) {
      Tensor classified;
      INFERD_RETURN_IF_ERROR(Classify(tensor, classes, model.config().max_batch_size() > 0,
                                      model.Labels(tensor.name), &classified));
      tensor = std::move(classified);
    }
    response->outputs.push_back(std::move(tensor));
  }
  return Status::Ok();
}

}  // namespace

int64_t Server::WaitForIdle(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(idle_mutex_);
  idle_.wait_for(lock, timeout, [this] { return in_flight_ == 0; });
  return in_flight_;
}

void Server::Infer(std::unique_ptr<InferenceRequest> request, InferCallback user_done) {
  {
    std::lock_guard<std::mutex> lock(idle_mutex_);
    ++in_flight_;
  }
  // Counts the request out when it completes, whichever way it ends.
  InferCallback done = [this, user_done = std::move(user_done)](Status status,
                                                                std::unique_ptr<InferenceResponse> response) {
    user_done(std::move(status), std::move(response));
    std::lock_guard<std::mutex> lock(idle_mutex_);
    if (--in_flight_ == 0) idle_.notify_all();
  };
  if (exiting_) return done(Status::Unavailable("Server is exiting"), nullptr);
  std::shared_ptr<ModelVersion> model;
  Status status = models_->Get(request->model_name, request->model_version, &model);
  if (!status.ok()) return done(std::move(status), nullptr);
  InferJob job;
  status = ValidateRequest(model->config(), request.get(), &job.output_names);
  if (!status.ok()) return done(std::move(status), nullptr);
  job.request = std::move(request);
  job.done = [model, names = job.output_names, done = std::move(done)](
                 Status status, std::unique_ptr<InferenceRequest> request, std::vector<Tensor> outputs) {
    if (!status.ok()) return done(std::move(status), nullptr);
    auto response = std::make_unique<InferenceResponse>();
    status = BuildResponse(*model, *request, std::move(outputs), names, response.get());
    if (!status.ok()) return done(std::move(status), nullptr);
    done(Status::Ok(), std::move(response));
  };
  model->Enqueue(std::move(job));
}

}  // namespace inferd
