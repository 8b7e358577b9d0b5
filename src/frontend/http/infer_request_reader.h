// Reading a KServe v2 HTTP inference request: the JSON header, with tensor
// data inline as JSON or following it as binary (the binary tensor data
// extension). Binary tensors are views into the body; nothing is copied.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/inference.h"
#include "core/shared_memory.h"
#include "model_config.pb.h"

namespace inferd {

// How each output goes back: as JSON data or as binary after the JSON.
struct OutputEncoding {
  bool default_binary = false;              // request parameter binary_data_output
  std::map<std::string, bool> per_output;   // output parameter binary_data
  // Outputs written to client shared memory instead of the body.
  std::map<std::string, SharedMemoryOutput> shared_memory;
  bool Binary(const std::string& name) const {
    auto it = per_output.find(name);
    return it == per_output.end() ? default_binary : it->second;
  }
};

struct HttpInferRequest {
  std::unique_ptr<InferenceRequest> request;
  OutputEncoding output_encoding;
};

// Parses `body` (already decompressed). `header_length` is the value of
// Inference-Header-Content-Length when present. `config` is the model's, used
// only for the raw binary form (header length 0), where the whole body is
// the data of the model's single input. Tensors in shared memory are looked
// up in `shared_memory`.
Status ReadHttpInferRequest(std::shared_ptr<const std::string> body, std::optional<size_t> header_length,
                            const inference::ModelConfig& config, const SharedMemoryRegistry& shared_memory,
                            HttpInferRequest* out);

}  // namespace inferd
