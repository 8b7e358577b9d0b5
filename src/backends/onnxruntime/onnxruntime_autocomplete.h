// Auto-complete of a model configuration from an ONNX model's signature, as
// Triton's onnxruntime backend does it, plus filling of partial entries.
//
// max_batch_size:
//   - set (> 0): every servable model input and output must have a variable
//     first dimension, which the configuration's dims then leave out;
//   - unset (0): when every servable input and output has a variable first
//     dimension, and the configuration does not already state full-rank dims
//     (which would mean it wants no batching), max_batch_size becomes
//     `default_max_batch_size` and first dimensions are left out of dims.
//   When the result is > 1 and no scheduler is configured, an empty
//   dynamic_batching is added.
// input: an empty list is filled with every model input; a listed input
//   gets its missing data_type and dims; model inputs the list lacks are
//   appended (the model cannot run without them), except those the
//   configuration feeds implicitly (sequence control/state, batch_input).
// output: an empty list is filled with every servable model output (outputs
//   inferd cannot carry, such as sequences of maps, and sequence state
//   outputs are left out); a listed
//   output gets its missing data_type and dims; other model outputs are not
//   added, so a configuration may deliberately expose a subset.
// Anything the configuration states that contradicts the model is an error
// naming model, tensor, field and both values.
//
// Plain function over protobuf and ModelSignature values; thread-safe.
#pragma once

#include <string>

#include "backends/onnxruntime/ort_model_io.h"
#include "core/status.h"
#include "model_config.pb.h"

namespace inferd::ort {

Status AutoCompleteFromSignature(const std::string& model_name, const ModelSignature& signature,
                                 int default_max_batch_size, inference::ModelConfig* config);

}  // namespace inferd::ort
