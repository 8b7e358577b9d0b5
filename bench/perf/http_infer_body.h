// The body of a KServe v2 HTTP inference request, and the check of its reply.
//
// Binary (default): a JSON header naming each input with
// "binary_data_size", followed by the raw tensors, its length in the
// Inference-Header-Content-Length header. JSON: each input's elements in
// "data", no binary part. Shared memory: inputs and outputs name their
// regions ("shared_memory_region", "shared_memory_byte_size").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "perf/http_connection.h"
#include "perf/model_info.h"
#include "perf/status.h"

namespace inferd::perf {

struct HttpInferBody {
  std::string json;
  std::vector<std::string_view> blobs;  // views into the payload, sent after `json`
};

// `json_outputs`: ask for every output as JSON "data" instead of binary.
// `shared_outputs`, when not empty: ask for those outputs, in their regions.
Status BuildHttpInferBody(const InferPayload& payload, bool json_inputs, bool json_outputs,
                          const std::vector<SharedMemoryOutput>& shared_outputs, HttpInferBody* body);

// Accepts a 200 reply whose JSON part has an "outputs" array and whose
// binary part is exactly as long as the outputs' "binary_data_size" add up to;
// each output must have data, unless `outputs_in_shared_memory`. Other
// replies become errors carrying the server's "error" message.
Status CheckHttpInferResponse(const HttpResponse& response, bool outputs_in_shared_memory);

// "server replied <status>: <error>" for an error reply.
std::string HttpErrorText(const HttpResponse& response);

}  // namespace inferd::perf
