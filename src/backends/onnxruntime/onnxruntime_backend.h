// The ONNX Runtime backend: serves ONNX models on the CPU through ONNX
// Runtime's C API, loaded at run time with dlopen.
//
// Settings (--backend-config=onnxruntime,<key>=<value>):
//   library-path            the libonnxruntime.so to load (default below)
//   default-max-batch-size  max_batch_size auto-complete gives a model that
//                           can batch and has none configured (default 4)
//
// One ONNX Runtime environment per backend; one session per instance. See
// onnxruntime_autocomplete.h for how configurations are completed,
// ort_session_options.h for the parameters honoured and
// onnxruntime_instance.h for execution.
//
// Thread safety: the Backend's methods may be called concurrently (models
// load in parallel); each instance is then used by one thread.
#pragma once

#include <memory>

#include "backends/backend.h"

namespace inferd {

// Creates the ONNX Runtime backend. Loads libonnxruntime.so with dlopen from
// settings["library-path"] when given, else from the default path: the
// INFERD_DEFAULT_ONNXRUNTIME_LIBRARY the build defines, or
// "libonnxruntime.so" found by the dynamic loader. Fails with a message
// naming the path and the loader's reason when the library cannot be loaded
// or is too old, or naming the setting when a setting is malformed.
Status CreateOnnxRuntimeBackend(const BackendSettings& settings, std::unique_ptr<Backend>* out);

}  // namespace inferd
