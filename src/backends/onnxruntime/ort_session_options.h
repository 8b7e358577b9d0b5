// Session options from a model configuration, as Triton's onnxruntime
// backend reads them.
//
// parameters (string values):
//   intra_op_thread_count  int >= 0; 0 leaves ONNX Runtime's default
//   inter_op_thread_count  int >= 0; 0 leaves ONNX Runtime's default
//   execution_mode         0 = sequential, 1 = parallel
//   enable_mem_arena       bool (1/0, true/false, on/off)
//   enable_mem_pattern     bool
//   session.<key>          passed to ONNX Runtime as session config entry
// optimization { graph { level } }:
//   -1 = basic, 1 = basic + extended, 2 = all disabled, anything else = all
// model_operations { op_library_filename }: custom-op libraries to register.
// optimization.execution_accelerators.cpu_execution_accelerator: none is
//   available in this build, so naming one is an error.
//
// A value that does not parse fails with a message naming the model, the
// parameter and the value. Thread-safe (no shared state).
#pragma once

#include <string>

#include "backends/onnxruntime/ort_handles.h"
#include "backends/onnxruntime/ort_library.h"
#include "core/status.h"
#include "model_config.pb.h"

namespace inferd::ort {

enum class SessionPurpose {
  kServe,    // honour every setting
  kInspect,  // a throwaway session to read the signature: 1 thread, no graph optimization
};

Status MakeSessionOptions(const OrtLibrary& library, const std::string& model_name,
                          const inference::ModelConfig& config, SessionPurpose purpose,
                          Owned<OrtSessionOptions>* out);

// Parses a boolean parameter value the way Triton does ("1", "true", "on",
// "0", "false", "off", any case). False when the text is none of those.
bool ParseBoolParameter(const std::string& text, bool* value);

// Parses a decimal int. False when the text is not entirely an int.
bool ParseIntParameter(const std::string& text, int* value);

}  // namespace inferd::ort
