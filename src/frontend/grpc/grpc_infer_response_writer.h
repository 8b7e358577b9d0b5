// Writing the core's InferenceResponse as a gRPC ModelInferResponse: one
// `outputs` entry and one `raw_output_contents` entry per output, same index,
// in the KServe binary encoding (BYTES length-prefixed).
#pragma once

#include "core/inference.h"
#include "grpc_service.pb.h"

namespace inferd {

void WriteGrpcInferResponse(const InferenceResponse& response, inference::ModelInferResponse* out);

// Sets a protocol parameter from a core parameter value.
void SetInferParameter(const ParameterValue& value, inference::InferParameter* out);

}  // namespace inferd
