#include "backends/pytorch/pytorch_backend.h"

#include <algorithm>
#include <mutex>

#include "backends/pytorch/caching_cpu_allocator.h"
#include "backends/pytorch/forward_threads.h"
#include "backends/pytorch/pytorch_instance.h"
#include "backends/pytorch/torch_options.h"
#include "backends/pytorch/torch_threads.h"
#include "core/logging.h"

namespace inferd {
namespace {

constexpr const char* kConfigExample =
    "TorchScript files do not record tensor names, datatypes or shapes, so config.pbtxt must "
    "list every input and output, for example: "
    "input [ { name: \"INPUT__0\" data_type: TYPE_FP32 dims: [ 3, 224, 224 ] } ] "
    "output [ { name: \"OUTPUT__0\" data_type: TYPE_FP32 dims: [ 1000 ] } ] "
    "(names: <name>__<index> by position, or forward's argument names; dims without the "
    "batch dimension when max_batch_size > 0)";

template <typename Entries>
Status CheckComplete(const std::string& model_name, const char* kind, const Entries& entries) {
  for (const auto& entry : entries) {
    if (entry.data_type() == inference::TYPE_INVALID || entry.dims_size() == 0) {
      return Status::InvalidArg("autofill failed for model '" + model_name + "': " + kind + " '" +
                                entry.name() + "' needs data_type and dims; " + kConfigExample);
    }
  }
  return Status::Ok();
}

class PyTorchBackend : public Backend {
 public:
  std::string_view name() const override { return "pytorch"; }

  Status AutoCompleteConfig(const ModelSpec& spec, inference::ModelConfig* config) override {
    if (config->input_size() == 0 || config->output_size() == 0) {
      return Status::InvalidArg("autofill failed for model '" + spec.model_name +
                                "': the pytorch backend cannot complete a configuration without " +
                                (config->input_size() == 0 ? "inputs" : "outputs") + "; " +
                                kConfigExample);
    }
    INFERD_RETURN_IF_ERROR(CheckComplete(spec.model_name, "input", config->input()));
    return CheckComplete(spec.model_name, "output", config->output());
  }

  Status CreateInstance(const ModelSpec& spec, const InstanceSpec& instance,
                        std::unique_ptr<ModelInstance>* out) override {
    if (spec.config == nullptr) {
      return Status::Internal("model '" + spec.model_name + "': no configuration to load with");
    }
    pytorch::TorchOptions options;
    INFERD_RETURN_IF_ERROR(pytorch::ParseTorchOptions(spec.model_name, *spec.config, &options));
    threads_.Apply(spec.model_name, options.intra_op_threads, options.inter_op_threads);
    return pytorch::PyTorchInstance::Create(spec, instance, options, SharedForwardThreads(InstanceCount(*spec.config)),
                                            out);
  }

  pytorch::ThreadSettings& threads() { return threads_; }

 private:
  static int InstanceCount(const inference::ModelConfig& config) {
    int count = 0;
    for (const auto& group : config.instance_group()) count += std::max(1, group.count());
    return count;
  }

  // Started with the first instance, once the intra-op count is fixed; grown
  // to the instance count of a model that has more instances than it has threads.
  std::shared_ptr<pytorch::ForwardThreads> SharedForwardThreads(int model_instances) {
    std::lock_guard<std::mutex> lock(mutex_);
    const int wanted = std::max(pytorch::ForwardThreads::CountFor(threads_.intra_op()), model_instances);
    if (forward_threads_ && forward_threads_->size() >= wanted) return forward_threads_;
    if (!forward_threads_) {
      forward_threads_ = std::make_shared<pytorch::ForwardThreads>(wanted, threads_.intra_op());
    } else {
      forward_threads_->Grow(wanted);
    }
    LOG_INFO << "pytorch backend: forwards run on " << forward_threads_->size() << " thread(s)";
    return forward_threads_;
  }

  pytorch::ThreadSettings threads_;
  std::mutex mutex_;
  std::shared_ptr<pytorch::ForwardThreads> forward_threads_;
};

Status ReadSetting(const BackendSettings& settings, const std::string& key, std::optional<int>* out) {
  auto it = settings.find(key);
  if (it == settings.end()) return Status::Ok();
  int value = 0;
  if (!pytorch::ParseThreadCount(it->second, &value)) {
    return Status::InvalidArg("pytorch backend setting '" + key + "' has value '" + it->second +
                              "'; expected a whole number >= 1");
  }
  *out = value;
  return Status::Ok();
}

}  // namespace

Status CreatePyTorchBackend(const BackendSettings& settings, std::unique_ptr<Backend>* out) {
  std::optional<int> intra_op;
  std::optional<int> inter_op;
  INFERD_RETURN_IF_ERROR(ReadSetting(settings, "intra-op-thread-count", &intra_op));
  INFERD_RETURN_IF_ERROR(ReadSetting(settings, "inter-op-thread-count", &inter_op));
  pytorch::CachingCpuAllocator::Install();
  auto backend = std::make_unique<PyTorchBackend>();
  if (intra_op || inter_op) backend->threads().Apply("(backend settings)", intra_op, inter_op);
  *out = std::move(backend);
  return Status::Ok();
}

}  // namespace inferd
