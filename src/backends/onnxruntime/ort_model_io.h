// ModelSignature: the inputs and outputs an ONNX model declares, in a form
// that needs no ONNX Runtime header.
//
// Read from a session once (ort_session.h) and then used by auto-complete
// and by the checks that compare a model configuration with the model, both
// of which are plain functions over this struct and easy to test.
#pragma once

#include <string>
#include <vector>

#include "core/data_type.h"
#include "core/shape.h"

namespace inferd::ort {

struct ModelTensor {
  std::string name;
  DataType datatype = DataType::kInvalid;  // kInvalid when inferd cannot carry the type
  std::string type_name;                   // the model's own type name, for messages
  Shape dims;                              // -1 where the model leaves a dimension open
};

struct ModelSignature {
  std::vector<ModelTensor> inputs;   // in the model's order
  std::vector<ModelTensor> outputs;  // in the model's order
};

}  // namespace inferd::ort
