// Settings of the Python backend (--backend-config=python,<key>=<value>) and
// what the backend needs from the rest of the server.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "core/inference.h"

namespace inferd {

struct PythonSettings {
  std::string stub_path;    // stub-path
  std::string python_dir;   // python-dir
  size_t shm_default_byte_size = 1 << 20;  // shm-default-byte-size: first input segment size
  std::chrono::seconds stub_timeout{30};    // stub-timeout-seconds: start, initialize, finalize
  std::chrono::seconds execute_timeout{0};  // execute-timeout-seconds: 0 = no limit
};

// Calls a Python model makes into the server (BLS and model control).
using PythonServices = InferenceServices;

}  // namespace inferd
