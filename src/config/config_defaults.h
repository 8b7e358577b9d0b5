// Server-side normalisation of a model config: the defaults Triton fills in
// whether or not auto-complete is enabled (Triton's model configuration rules).
#pragma once

#include "model_config.pb.h"

namespace inferd {

// Fills the version policy, instance groups, preferred batch sizes, pinned
// memory flags and sequence idle time. Call after the backend is resolved
// and auto-complete ran; idempotent.
void ApplyConfigDefaults(inference::ModelConfig* config);

}  // namespace inferd
