// What the load generator knows of the model under test, from its metadata
// and configuration.
#pragma once

#include <cstddef>
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
  // Non-empty: the data also sits in this registered system shared memory
  // region, and requests name the region instead of carrying the data.
  std::string shm_region;
};

// Where the server is to write one output: a registered system shared
// memory region of `byte_size` bytes.
struct SharedMemoryOutput {
  std::string name;
  std::string region;
  size_t byte_size = 0;
};

// The inputs of one inference request.
struct InferPayload {
  std::vector<InputTensor> inputs;
};

}  // namespace inferd::perf
