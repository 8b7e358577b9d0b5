// Conversions between inferd's DataType and libtorch's ScalarType.
//
// libtorch has no BYTES, UINT16/32/64 or (in 1.13's serving path) BF16
// tensors inferd serves; those map to nullopt / kInvalid.
#pragma once

#include <optional>

#include <c10/core/ScalarType.h>

#include "core/data_type.h"

namespace inferd::pytorch {

std::optional<c10::ScalarType> ToScalarType(DataType type);
DataType ToDataType(c10::ScalarType type);

}  // namespace inferd::pytorch
