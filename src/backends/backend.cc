#include "backends/backend.h"

namespace inferd {

void ModelInstance::Run(std::shared_ptr<const InferenceRequest> request, const std::vector<std::string>& output_names,
                        ResponseSink sink) {
  auto response = std::make_unique<InferenceResponse>();
  Status status = Execute(request->inputs, output_names, &response->outputs);
  if (status.ok() && response->outputs.size() != output_names.size()) {
    status = Status::Internal("backend returned " + std::to_string(response->outputs.size()) +
                              " outputs, expected " + std::to_string(output_names.size()));
  }
  if (!status.ok()) return sink(std::move(status), nullptr, true);
  for (size_t i = 0; i < output_names.size(); ++i) response->outputs[i].name = output_names[i];
  sink(Status::Ok(), std::move(response), true);
}

Status CheckCpuInstance(const ModelSpec& spec, const InstanceSpec& instance) {
  if (instance.kind != inference::ModelInstanceGroup::KIND_GPU) return Status::Ok();
  return Status::Unsupported("model '" + spec.model_name + "', instance '" + instance.name +
                             "': instance group kind KIND_GPU is not supported: this build of inferd has no GPU "
                             "support; use KIND_CPU");
}

Status ModelInstance::Execute(const std::vector<Tensor>&, const std::vector<std::string>&, std::vector<Tensor>*) {
  return Status::Internal("this backend does not implement Execute");
}

}  // namespace inferd
