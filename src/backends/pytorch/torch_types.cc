#include "backends/pytorch/torch_types.h"

namespace inferd::pytorch {

std::optional<c10::ScalarType> ToScalarType(DataType type) {
  switch (type) {
    case DataType::kBool: return c10::ScalarType::Bool;
    case DataType::kUint8: return c10::ScalarType::Byte;
    case DataType::kInt8: return c10::ScalarType::Char;
    case DataType::kInt16: return c10::ScalarType::Short;
    case DataType::kInt32: return c10::ScalarType::Int;
    case DataType::kInt64: return c10::ScalarType::Long;
    case DataType::kFp16: return c10::ScalarType::Half;
    case DataType::kFp32: return c10::ScalarType::Float;
    case DataType::kFp64: return c10::ScalarType::Double;
    case DataType::kBf16: return c10::ScalarType::BFloat16;
    default: return std::nullopt;
  }
}

DataType ToDataType(c10::ScalarType type) {
  switch (type) {
    case c10::ScalarType::Bool: return DataType::kBool;
    case c10::ScalarType::Byte: return DataType::kUint8;
    case c10::ScalarType::Char: return DataType::kInt8;
    case c10::ScalarType::Short: return DataType::kInt16;
    case c10::ScalarType::Int: return DataType::kInt32;
    case c10::ScalarType::Long: return DataType::kInt64;
    case c10::ScalarType::Half: return DataType::kFp16;
    case c10::ScalarType::Float: return DataType::kFp32;
    case c10::ScalarType::Double: return DataType::kFp64;
    case c10::ScalarType::BFloat16: return DataType::kBf16;
    default: return DataType::kInvalid;
  }
}

}  // namespace inferd::pytorch
