// Reading a gRPC ModelInferRequest into the core's InferenceRequest.
//
// Tensor data sent as raw_input_contents is not copied: the tensors view the
// request message, which `proto` keeps alive for as long as they exist.
// Typed `contents` are converted into the packed form the core expects.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/inference.h"
#include "core/shared_memory.h"
#include "grpc_service.pb.h"

namespace inferd {

struct GrpcInferRequest {
  std::unique_ptr<InferenceRequest> request;
  // triton_enable_empty_final_response: a stream-only flag, never passed to the model.
  bool enable_empty_final_response = false;
  // Outputs written to client shared memory instead of raw_output_contents.
  std::map<std::string, SharedMemoryOutput> shared_memory_outputs;
};

// Tensors in shared memory are looked up in `shared_memory`.
Status ReadGrpcInferRequest(std::shared_ptr<const inference::ModelInferRequest> proto,
                            const SharedMemoryRegistry& shared_memory, GrpcInferRequest* out);

}  // namespace inferd
