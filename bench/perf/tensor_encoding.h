// The binary tensor encoding of KServe v2 (the HTTP binary extension and
// gRPC raw contents): little-endian, row-major, no padding; a BYTES element is
// a 4-byte little-endian length followed by its bytes.
//
// Assumes a little-endian host.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "perf/status.h"

namespace inferd::perf {

// Bytes per element of a fixed-size datatype; 0 for BYTES; -1 when unknown.
int64_t DataTypeSize(const std::string& datatype);

// One element as read from JSON input data or generated.
using Scalar = std::variant<bool, int64_t, uint64_t, double, std::string>;

// Appends `value` as one element of `datatype`. Numbers out of the type's
// range, strings for numeric types and numbers for BYTES are errors.
Status AppendElement(const std::string& datatype, const Scalar& value, std::string* out);

// Appends the elements encoded in `data` as comma-separated JSON values
// (numbers, true/false, strings). FP16 and BF16 have no JSON form.
Status AppendJsonElements(const std::string& datatype, std::string_view data, std::string* out);

// Appends `text` as a quoted JSON string.
void AppendJsonString(std::string_view text, std::string* out);

}  // namespace inferd::perf
