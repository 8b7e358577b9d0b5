#include "backends/onnxruntime/onnxruntime_backend.h"

#include "backends/onnxruntime/onnxruntime_autocomplete.h"
#include "backends/onnxruntime/onnxruntime_instance.h"
#include "backends/onnxruntime/ort_library.h"
#include "backends/onnxruntime/ort_session.h"
#include "backends/onnxruntime/ort_session_options.h"

#ifndef INFERD_DEFAULT_ONNXRUNTIME_LIBRARY
#define INFERD_DEFAULT_ONNXRUNTIME_LIBRARY "libonnxruntime.so"
#endif

namespace inferd {
namespace {

constexpr int kDefaultMaxBatchSize = 4;

class OnnxRuntimeBackend : public Backend {
 public:
  OnnxRuntimeBackend(std::shared_ptr<const ort::OrtLibrary> library, int default_max_batch_size)
      : library_(std::move(library)), default_max_batch_size_(default_max_batch_size) {}

  std::string_view name() const override { return "onnxruntime"; }

  Status AutoCompleteConfig(const ModelSpec& spec, inference::ModelConfig* config) override {
    std::string file;
    INFERD_RETURN_IF_ERROR(ort::ResolveModelFile(spec, &file));
    ort::Owned<ort::OrtSession> session;
    INFERD_RETURN_IF_ERROR(ort::OpenSession(*library_, spec.model_name, file, *config,
                                            ort::SessionPurpose::kInspect, &session));
    ort::ModelSignature signature;
    INFERD_RETURN_IF_ERROR(
        ort::ReadSignature(library_->api(), spec.model_name, session.get(), &signature));
    return ort::AutoCompleteFromSignature(spec.model_name, signature, default_max_batch_size_,
                                          config);
  }

  Status CreateInstance(const ModelSpec& spec, const InstanceSpec& instance,
                        std::unique_ptr<ModelInstance>* out) override {
    return ort::OnnxRuntimeInstance::Create(library_, spec, instance, out);
  }

 private:
  std::shared_ptr<const ort::OrtLibrary> library_;
  int default_max_batch_size_;
};

}  // namespace

Status CreateOnnxRuntimeBackend(const BackendSettings& settings, std::unique_ptr<Backend>* out) {
  int default_max_batch_size = kDefaultMaxBatchSize;
  if (auto it = settings.find("default-max-batch-size"); it != settings.end()) {
    if (!ort::ParseIntParameter(it->second, &default_max_batch_size) ||
        default_max_batch_size < 0) {
      return Status::InvalidArg("onnxruntime backend setting 'default-max-batch-size' has value '" +
                                it->second + "'; expected a whole number >= 0");
    }
  }
  std::string path = INFERD_DEFAULT_ONNXRUNTIME_LIBRARY;
  if (auto it = settings.find("library-path"); it != settings.end()) path = it->second;

  std::shared_ptr<const ort::OrtLibrary> library;
  INFERD_RETURN_IF_ERROR(ort::OrtLibrary::Load(path, &library));
  *out = std::make_unique<OnnxRuntimeBackend>(std::move(library), default_max_batch_size);
  return Status::Ok();
}

}  // namespace inferd
