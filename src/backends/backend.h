// Backend and ModelInstance: the one boundary between inferd and a framework.
//
// A Backend stands for a framework (ONNX Runtime, ...). It is created once per
// server, on first use, and lives until the server stops. For each model
// version it may complete the configuration from the model file, and it
// creates the version's execution instances.
//
// A ModelInstance is one loaded copy of a model (an ONNX Runtime session, ...).
// It is created at load time on the loading thread and afterwards used only
// from its own execution thread, so Execute needs no locking of its own. It is
// destroyed when its model version is unloaded, after its last Execute returned.
//
// Only code under src/backends/<name>/ includes a framework's headers.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/inference.h"
#include "core/model_stats.h"
#include "core/status.h"
#include "core/tensor.h"
#include "model_config.pb.h"

namespace inferd {

// Settings given with --backend-config=<backend>,<key>=<value>.
using BackendSettings = std::map<std::string, std::string>;

// Where a model version lives and how it is configured.
struct ModelSpec {
  std::string model_name;
  int64_t version = 0;
  std::string model_dir;    // <repository>/<model>
  std::string version_dir;  // <repository>/<model>/<version>
  std::string model_path;   // <version_dir>/<default_model_filename>
  const inference::ModelConfig* config = nullptr;  // complete, validated (not during auto-complete)
};

// One execution instance requested by the config's instance_group.
struct InstanceSpec {
  std::string name;  // "<group>_<k>"
  inference::ModelInstanceGroup::Kind kind = inference::ModelInstanceGroup::KIND_CPU;
};

// Receives the responses of one request: outputs (named) and response
// parameters. `final` is true on the last call; a model with a decoupled
// transaction policy may call it any number of times (zero responses and a
// final flags-only call included), others exactly once. May be called from
// any thread.
using ResponseSink =
    std::function<void(Status status, std::unique_ptr<InferenceResponse> response, bool final)>;

// One request of an execution, and where its responses go.
struct ExecutionRequest {
  std::shared_ptr<const InferenceRequest> request;
  // The outputs this request asked for, in order; never empty.
  std::vector<std::string> output_names;
  ResponseSink sink;
};

class ModelInstance {
 public:
  virtual ~ModelInstance() = default;

  // Runs requests as one execution of the model. Their inputs have been
  // checked against the config (names, datatypes, shapes, byte sizes); more
  // than one request comes only for a model with max_batch_size > 0, and
  // then their inputs agree in everything but the batch dimension.
  //
  // The instance fills `times` (start, inputs ready, outputs start, end)
  // before it sends any final response. For a model that is not decoupled,
  // every request's final response is sent before RunBatch returns.
  //
  // The default joins the requests' inputs along the batch dimension (no
  // copy for a single request), calls Execute once and gives each request
  // its rows of the outputs, as views. Backends that need whole requests
  // (id, parameters) or answer several times override it.
  virtual void RunBatch(std::vector<ExecutionRequest> requests, ComputeTimestamps* times);

  // True when RunBatch may be called from any thread (one call at a time),
  // not only the instance's own execution thread. A scheduler may then run a
  // short request on the thread that brought it, skipping two thread hops.
  // Asked before every such run, from any thread; the answer may change.
  virtual bool RunsOnAnyThread() const { return false; }

  // The model's own readiness check (Python's is_ready hook), asked by the
  // readiness endpoints; may take a few seconds. Called from any thread.
  virtual bool IsReady() { return true; }

  // Produces one tensor per name of `output_names`, in that order.
  virtual Status Execute(const std::vector<Tensor>& inputs, const std::vector<std::string>& output_names,
                         std::vector<Tensor>* outputs);
};

// True when every instance answers IsReady with true (stops at the first false).
bool AllInstancesReady(const std::vector<std::unique_ptr<ModelInstance>>& instances);

// Every backend of this build runs on the CPU: fails, naming the model and
// instance, for an instance group of kind KIND_GPU.
Status CheckCpuInstance(const ModelSpec& spec, const InstanceSpec& instance);

class Backend {
 public:
  virtual ~Backend() = default;

  // Backend name as written in config.pbtxt ("onnxruntime").
  virtual std::string_view name() const = 0;

  // Completes `config` from the model file as Triton's backend does: fills
  // inputs, outputs, max_batch_size and a scheduler where the config leaves
  // them unset, and checks that what the config states agrees with the model.
  // Called only when auto-complete is enabled; spec.config is null then.
  virtual Status AutoCompleteConfig(const ModelSpec& spec, inference::ModelConfig* config) = 0;

  // Loads one instance of the model described by `spec`.
  virtual Status CreateInstance(const ModelSpec& spec, const InstanceSpec& instance,
                                std::unique_ptr<ModelInstance>* out) = 0;

  // The server exits now, without unloading its models: release what would
  // outlive the process (child processes, shared memory). Called once, from
  // any thread, while instances may still be running.
  virtual void Abort() {}
};

}  // namespace inferd
