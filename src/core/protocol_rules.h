// Rules of the KServe v2 protocol that do not depend on the transport, so
// HTTP and gRPC apply them with the same words.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/inference.h"
#include "core/status.h"

namespace inferd {

// A model version as written in a request: "" (the server picks) or a
// decimal number. `version` is -1 for "".
Status ParseModelVersion(std::string_view text, int64_t* version);

// Checks the value of a scheduling parameter both protocols know
// (`priority` and `timeout` must not be negative); other keys pass.
Status CheckSchedulingParameter(const std::string& key, const ParameterValue& value);

// The value of the unsigned scheduling parameter `key` ("priority",
// "timeout") of a checked request, or 0 when absent.
uint64_t SchedulingParameter(const InferenceRequest& request, const char* key);

// Custom request parameters may not use the "triton_" prefix.
Status CheckCustomParameterName(const std::string& key);

// The answer for an extension this version does not serve yet
// ("the statistics extension", ...).
Status ExtensionNotSupported(std::string_view extension);

// The answer for CUDA shared memory, which needs a GPU.
Status CudaSharedMemoryNotSupported();

// The answer for model load/unload in model control modes "none" and "poll".
Status ModelControlNotAllowed();

}  // namespace inferd
