// Conversion between ONNX tensor element types and inferd's DataType.
//
// The one place the backend maps types, used when reading a model's
// signature, when building input values and when reading outputs.
// Pure functions; thread-safe.
#pragma once

#include <string_view>

#include "backends/onnxruntime/ort_api.h"
#include "core/data_type.h"

namespace inferd::ort {

// DataType of an ONNX element type; kInvalid for types inferd cannot carry
// (complex numbers, 8-bit floats, ...).
DataType ToDataType(ElementType type);

// ONNX element type of a DataType; kUndefined for kInvalid.
ElementType ToElementType(DataType type);

// ONNX name of an element type ("FLOAT", "STRING", ...), for messages.
std::string_view ElementTypeName(ElementType type);

}  // namespace inferd::ort
