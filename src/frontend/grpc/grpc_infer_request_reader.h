// Reading a gRPC ModelInferRequest into the core's InferenceRequest.
//
// Tensor data sent as raw_input_contents is not copied: the tensors view the
// request message, which `proto` keeps alive for as long as they exist.
// Typed `contents` are converted into the packed form the core expects.
#pragma once

#include <memory>

#include "core/inference.h"
#include "grpc_service.pb.h"

namespace inferd {

struct GrpcInferRequest {
  std::unique_ptr<InferenceRequest> request;
  // triton_enable_empty_final_response: a stream-only flag, never passed to the model.
  bool enable_empty_final_response = false;
};

Status ReadGrpcInferRequest(std::shared_ptr<const inference::ModelInferRequest> proto, GrpcInferRequest* out);

}  // namespace inferd
