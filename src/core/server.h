// Server: the in-process API and the only door into inferd. Frontends (HTTP,
// gRPC) and Python models calling other models (BLS) all come through here.
//
// Thread-safe. Infer never blocks on inference: it validates the request,
// queues it on the model's scheduler and returns; the callback runs later on
// the instance's thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <memory>
#include <string>
#include <vector>

#include "core/background_tasks.h"
#include "core/inference.h"
#include "core/model_load_overrides.h"
#include "core/model_stats.h"
#include "core/response_cache.h"
#include "core/shared_memory.h"
#include "core/tracer.h"
#include "repository/model_manager.h"

namespace inferd {

// One model version's statistics, as the statistics extension lists them.
struct ModelStatsEntry {
  std::string name;
  int64_t version = 0;
  ModelStatsSnapshot stats;
};

// --model-control-mode: who loads and unloads models once the server runs.
enum class ModelControlMode {
  kNone,      // nobody: the models loaded at start serve until shutdown
  kPoll,      // the repository poller, on changes in the repositories
  kExplicit,  // clients, through the load and unload API
};

struct ServerOptions {
  std::string id = "triton";    // --id, reported as the server name
  bool strict_readiness = true;  // --strict-readiness
  ModelControlMode model_control_mode = ModelControlMode::kNone;
  bool allow_client_shm = false;  // --allow-client-shm: clients may register shared memory
  TraceSettings trace;            // --trace-config
  uint64_t response_cache_bytes = 0;  // --cache-config local,size=N; 0: no response cache
};

// Version of inferd reported by the server metadata.
extern const char* const kInferdVersion;

class Server {
 public:
  Server(ServerOptions options, ModelManager* models);

  const std::string& id() const { return options_.id; }
  const std::vector<std::string>& extensions() const;
  // The client shared memory regions (the system shared memory extension).
  SharedMemoryRegistry& shared_memory() { return shared_memory_; }
  const SharedMemoryRegistry& shared_memory() const { return shared_memory_; }
  // What requests are traced, and their traces (the trace extension).
  Tracer& tracer() { return tracer_; }
  // Whether a model's trace settings may be read or changed: it must have a
  // READY version. NOT_FOUND for a model the repositories do not have,
  // INVALID_ARG for one without a READY version.
  Status CheckTraceModel(const std::string& name) const;

  // Whether requests to a model with `config` go through the response cache:
  // the server has one and the config enables it.
  bool CachesResponses(const inference::ModelConfig& config) const {
    return cache_ && config.response_cache().enable();
  }

  bool IsLive() const { return !exiting_; }
  // Live, and with strict readiness every model READY.
  bool IsReady() const;
  // From now on the server refuses new work (shutdown has begun).
  void SetExiting() { exiting_ = true; }
  bool exiting() const { return exiting_; }

  // The model version a request for (name, version) would use; version -1
  // means the highest READY one.
  Status GetModel(const std::string& name, int64_t version, std::shared_ptr<ModelVersion>* model) const;

  // Every model of the repositories with the state of each version; model
  // folders never loaded are listed by name only.
  std::vector<ModelStatus> RepositoryIndex() const { return models_->RepositoryIndex(); }

  ModelControlMode model_control_mode() const { return options_.model_control_mode; }

  // Loads or reloads a model (model control mode "explicit" only; else
  // UNAVAILABLE). Blocks until the load is done.
  Status LoadModel(const std::string& name, const ModelLoadOverrides& overrides);
  // Unloads a model (explicit mode only), after its requests in flight.
  Status UnloadModel(const std::string& name, bool unload_dependents);
  // The same for frontends, whose threads must not wait: `done` runs on a
  // thread of its own once the call is over.
  void LoadModelAsync(std::string name, ModelLoadOverrides overrides, std::function<void(Status)> done);
  void UnloadModelAsync(std::string name, bool unload_dependents, std::function<void(Status)> done);

  // Statistics of every READY version of every model (empty `name`), of
  // every READY version of `name` (version -1), or of one version. A model
  // or version that is not READY is an INVALID_ARG error.
  Status Statistics(const std::string& name, int64_t version, std::vector<ModelStatsEntry>* out) const;

  // Versions of `name` that are READY, ascending.
  std::vector<int64_t> ReadyVersions(const std::string& name) const;

  // Runs a request of a model that is not decoupled; `done` is called exactly
  // once. A decoupled model's first response is passed on and the rest dropped:
  // frontends that cannot stream refuse those models before calling.
  void Infer(std::unique_ptr<InferenceRequest> request, InferCallback done);

  // Runs a request of any model; `on_response` gets every response.
  void InferStream(std::unique_ptr<InferenceRequest> request, StreamCallback on_response);

  // The same for a model version the caller already looked up with
  // GetModel (frontends do, to read its config), so the request does not
  // look it up again.
  void Infer(std::shared_ptr<ModelVersion> model, std::unique_ptr<InferenceRequest> request, InferCallback done);
  void InferStream(std::shared_ptr<ModelVersion> model, std::unique_ptr<InferenceRequest> request,
                   StreamCallback on_response);

  // Waits until no request (nor load or unload asked for by a frontend) is
  // in flight or `timeout` passes; returns the number still in flight.
  int64_t WaitForIdle(std::chrono::milliseconds timeout);
  // Requests (and frontend loads and unloads) being answered now.
  int64_t RequestsInFlight() const { return in_flight_.load(std::memory_order_relaxed); }

 private:
  // Runs a model control call on a background task; `done` gets its status.
  void RunControl(std::function<Status()> call, std::function<void(Status)> done);
  // Answers a validated request from the response cache if it holds `key`;
  // false when it does not.
  bool AnswerFromCache(ModelVersion& model, const InferenceRequest& request, const std::string& key,
                       uint64_t lookup_start_ns, const RequestTimeline& timeline,
                       const std::shared_ptr<RequestTrace>& trace, const StreamCallback& callback);

  ServerOptions options_;
  ModelManager* models_;
  SharedMemoryRegistry shared_memory_{options_.allow_client_shm};
  Tracer tracer_{options_.trace};
  std::unique_ptr<ResponseCache> cache_ =
      options_.response_cache_bytes ? std::make_unique<ResponseCache>(options_.response_cache_bytes) : nullptr;
  std::atomic<bool> exiting_{false};
  std::mutex idle_mutex_;
  std::condition_variable idle_;
  std::atomic<int64_t> in_flight_{0};  // changed under idle_mutex_, read anywhere
  BackgroundTasks control_tasks_;  // loads and unloads asked for by frontends
};

}  // namespace inferd
