// What the load generator knows of the model under test, from its metadata
// and configuration.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace inferd::perf {

struct TensorInfo {
  std::string name;
  std::string datatype;        // KServe name: "FP32", "BYTES", ...
  std::vector<int64_t> shape;  // without the batch dimension; -1 = variable
};

struct ModelInfo {
  std::string name;
  std::string version;  // as requested ("" = the server's choice)
  int64_t max_batch_size = 0;
  std::vector<TensorInfo> inputs;
  std::vector<TensorInfo> outputs;
};

// One input tensor of a request, ready to send: the full shape (batch
// dimension included) and the data in the binary tensor encoding.
struct InputTensor {
  std::string name;
  std::string datatype;
  std::vector<int64_t> shape;
  std::string data;
};

// The inputs of one inference request.
struct InferPayload {
  std::vector<InputTensor> inputs;
};

}  // namespace inferd::perf
