// TorchOptions: the config `parameters` the pytorch backend honours, as in
// Triton's PyTorch backend, plus one of inferd's own.
//
//   INTRA_OP_THREAD_COUNT        libtorch intra-op threads (process-wide, see
//                                torch_threads.h)
//   INTER_OP_THREAD_COUNT        libtorch inter-op threads (process-wide)
//   DISABLE_OPTIMIZED_EXECUTION  "true": run forward without the graph
//                                executor's optimisations
//   INFERENCE_MODE               "true" (default) / "false": c10::InferenceMode
//                                or only no-grad while running forward
//   ENABLE_JIT_EXECUTOR          "true"/"false": libtorch's executor mode
//                                (process-wide flag, set before each forward)
//   ENABLE_JIT_PROFILING         "true"/"false": libtorch's profiling mode
//                                (process-wide flag, set before each forward)
//   ENABLE_FREEZE_AND_OPTIMIZE   "true": torch::jit::freeze and
//                                optimize_for_inference at load (inferd only)
//
// Plain parsing over the protobuf config; no libtorch here.
#pragma once

#include <optional>
#include <string>

#include "core/status.h"
#include "model_config.pb.h"

namespace inferd::pytorch {

struct TorchOptions {
  std::optional<int> intra_op_threads;
  std::optional<int> inter_op_threads;
  bool disable_optimized_execution = false;
  bool inference_mode = true;
  std::optional<bool> jit_executor;
  std::optional<bool> jit_profiling;
  bool freeze_and_optimize = false;
};

// Reads the parameters above from `config`. A malformed value is an error
// naming model, parameter, value and what is expected.
Status ParseTorchOptions(const std::string& model_name, const inference::ModelConfig& config,
                         TorchOptions* out);

// Parses a whole number >= 1 ("2"); false when malformed.
bool ParseThreadCount(const std::string& text, int* out);

}  // namespace inferd::pytorch
