// The Python backend: runs Triton's `model.py` files, each instance in its
// own stub process (src/python_stub/, python/).
#pragma once

#include <memory>

#include "backends/backend.h"
#include "backends/python/python_settings.h"

namespace inferd {

// `services` must outlive the backend; it may be filled after creation
// (BLS calls only happen once requests flow).
Status CreatePythonBackend(const BackendSettings& settings, const PythonServices* services,
                           std::unique_ptr<Backend>* out);

}  // namespace inferd
