// Opening an ONNX Runtime session for a model file and reading the model's
// signature (input and output names, types and dimensions) from it.
//
// Thread-safe: sessions may be opened concurrently in one environment.
#pragma once

#include <string>

#include "backends/backend.h"
#include "backends/onnxruntime/ort_handles.h"
#include "backends/onnxruntime/ort_library.h"
#include "backends/onnxruntime/ort_model_io.h"
#include "backends/onnxruntime/ort_session_options.h"

namespace inferd::ort {

// The .onnx file for `spec`: spec.model_path, or <model_path>/model.onnx
// when model_path is a directory (or <version_dir>/model.onnx when it is
// empty). NotFound, naming model and path, when there is no such file.
Status ResolveModelFile(const ModelSpec& spec, std::string* file);

// Opens a session on `file` with options made from `config` for `purpose`.
Status OpenSession(const OrtLibrary& library, const std::string& model_name,
                   const std::string& file, const inference::ModelConfig& config,
                   SessionPurpose purpose, Owned<OrtSession>* out);

// Reads the session's inputs and outputs. Dimensions the model leaves open
// (symbolic or unknown) become -1.
Status ReadSignature(const OrtApi& api, const std::string& model_name, const OrtSession* session,
                     ModelSignature* out);

}  // namespace inferd::ort
