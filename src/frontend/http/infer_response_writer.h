// Writing a KServe v2 HTTP inference response: a JSON header, then the
// binary outputs back to back. Binary outputs are not copied: the body is
// returned as the JSON text plus views of the outputs' own memory.
#pragma once

#include <string>
#include <vector>

#include "core/inference.h"
#include "frontend/http/infer_request_reader.h"

namespace inferd {

struct HttpInferResponse {
  std::string json;
  std::vector<Buffer> blobs;  // binary outputs, in the order of the JSON's outputs
  size_t blob_bytes = 0;
};

// Fails when an output cannot be written as JSON (FP16/BF16 asked as JSON) or
// does not fit the shared memory it is to be written to.
Status WriteHttpInferResponse(const InferenceResponse& response, const OutputEncoding& encoding,
                              HttpInferResponse* out);

}  // namespace inferd
