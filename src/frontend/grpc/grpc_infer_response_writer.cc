#include "frontend/grpc/grpc_infer_response_writer.h"

namespace inferd {

void SetInferParameter(const ParameterValue& value, inference::InferParameter* out) {
  std::visit(
      [out](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, bool>) out->set_bool_param(v);
        else if constexpr (std::is_same_v<V, int64_t>) out->set_int64_param(v);
        else if constexpr (std::is_same_v<V, uint64_t>) out->set_uint64_param(v);
        else if constexpr (std::is_same_v<V, double>) out->set_double_param(v);
        else out->set_string_param(v);
      },
      value);
}

Status WriteGrpcInferResponse(const InferenceResponse& response,
                              const std::map<std::string, SharedMemoryOutput>& shared_memory,
                              inference::ModelInferResponse* out) {
  out->set_model_name(response.model_name);
  out->set_model_version(std::to_string(response.model_version));
  out->set_id(response.id);
  for (const auto& [key, value] : response.parameters) SetInferParameter(value, &(*out->mutable_parameters())[key]);
  for (const Tensor& tensor : response.outputs) {
    auto* output = out->add_outputs();
    output->set_name(tensor.name);
    output->set_datatype(std::string(DataTypeName(tensor.datatype)));
    for (int64_t dim : tensor.shape) output->add_shape(dim);
    if (auto target = shared_memory.find(tensor.name); target != shared_memory.end()) {
      // Written to the client's region; its raw entry stays empty, in its place.
      INFERD_RETURN_IF_ERROR(CopyToSharedMemory(tensor, target->second));
      out->add_raw_output_contents();
    } else {
      out->add_raw_output_contents(tensor.data.data(), tensor.data.size());
    }
  }
  return Status::Ok();
}

}  // namespace inferd
