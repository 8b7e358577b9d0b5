// Writing the core's InferenceResponse as a gRPC ModelInferResponse: one
// `outputs` entry and one `raw_output_contents` entry per output, same index,
// in the KServe binary encoding (BYTES length-prefixed).
#pragma once

#include <map>
#include <string>

#include "core/inference.h"
#include "core/shared_memory.h"
#include "grpc_service.pb.h"

namespace inferd {

// Outputs named in `shared_memory` are written there instead (their raw entry
// is empty); fails when one does not fit its region.
Status WriteGrpcInferResponse(const InferenceResponse& response,
                              const std::map<std::string, SharedMemoryOutput>& shared_memory,
                              inference::ModelInferResponse* out);

// Sets a protocol parameter from a core parameter value.
void SetInferParameter(const ParameterValue& value, inference::InferParameter* out);

}  // namespace inferd
