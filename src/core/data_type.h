// DataType: the element types a tensor can hold.
//
// The numeric values equal the TYPE_* values of ModelConfig's DataType enum,
// so converting between the config enum and this one is a static_cast.
// Names are the KServe v2 datatype strings used on the wire ("FP32", "BYTES").
#pragma once

#include <cstddef>
#include <string_view>

namespace inferd {

enum class DataType : int {
  kInvalid = 0,
  kBool = 1,
  kUint8 = 2,
  kUint16 = 3,
  kUint32 = 4,
  kUint64 = 5,
  kInt8 = 6,
  kInt16 = 7,
  kInt32 = 8,
  kInt64 = 9,
  kFp16 = 10,
  kFp32 = 11,
  kFp64 = 12,
  kBytes = 13,  // TYPE_STRING in model configs
  kBf16 = 14,
};

// KServe name of a type ("FP32"); "INVALID" for kInvalid.
std::string_view DataTypeName(DataType type);

// Type for a KServe name; kInvalid when the name is unknown.
DataType DataTypeFromName(std::string_view name);

// Size of one element in bytes; 0 for BYTES, whose elements vary in size.
size_t DataTypeByteSize(DataType type);

// Config enum name of a type ("TYPE_FP32").
std::string_view DataTypeConfigName(DataType type);

}  // namespace inferd
