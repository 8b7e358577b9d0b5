// Tensor: a named, typed, shaped block of data.
//
// Fixed-size types are stored densely, row-major, little-endian. BYTES
// tensors are stored as the KServe binary form: each element is a 4-byte
// little-endian length followed by that many bytes, elements back to back.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/buffer.h"
#include "core/data_type.h"
#include "core/shape.h"
#include "core/status.h"

namespace inferd {

struct Tensor {
  std::string name;
  DataType datatype = DataType::kInvalid;
  Shape shape;
  Buffer data;
};

// Splits serialized BYTES data into its elements (views into `data`). Fails,
// naming `tensor_name`, when a length runs past the end of the data or the
// element count differs from `expected_count`.
Status SplitBytesElements(std::string_view tensor_name, std::string_view data,
                          int64_t expected_count, std::vector<std::string_view>* elements);

// Appends one BYTES element (length prefix + bytes) to `out`.
void AppendBytesElement(std::string_view element, std::string* out);

}  // namespace inferd
