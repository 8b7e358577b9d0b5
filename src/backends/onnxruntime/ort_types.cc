#include "backends/onnxruntime/ort_types.h"

namespace inferd::ort {

DataType ToDataType(ElementType type) {
  switch (type) {
    case ElementType::kBool: return DataType::kBool;
    case ElementType::kUint8: return DataType::kUint8;
    case ElementType::kUint16: return DataType::kUint16;
    case ElementType::kUint32: return DataType::kUint32;
    case ElementType::kUint64: return DataType::kUint64;
    case ElementType::kInt8: return DataType::kInt8;
    case ElementType::kInt16: return DataType::kInt16;
    case ElementType::kInt32: return DataType::kInt32;
    case ElementType::kInt64: return DataType::kInt64;
    case ElementType::kFloat16: return DataType::kFp16;
    case ElementType::kFloat: return DataType::kFp32;
    case ElementType::kDouble: return DataType::kFp64;
    case ElementType::kString: return DataType::kBytes;
    case ElementType::kBfloat16: return DataType::kBf16;
    default: return DataType::kInvalid;
  }
}

ElementType ToElementType(DataType type) {
  switch (type) {
    case DataType::kBool: return ElementType::kBool;
    case DataType::kUint8: return ElementType::kUint8;
    case DataType::kUint16: return ElementType::kUint16;
    case DataType::kUint32: return ElementType::kUint32;
    case DataType::kUint64: return ElementType::kUint64;
    case DataType::kInt8: return ElementType::kInt8;
    case DataType::kInt16: return ElementType::kInt16;
    case DataType::kInt32: return ElementType::kInt32;
    case DataType::kInt64: return ElementType::kInt64;
    case DataType::kFp16: return ElementType::kFloat16;
    case DataType::kFp32: return ElementType::kFloat;
    case DataType::kFp64: return ElementType::kDouble;
    case DataType::kBytes: return ElementType::kString;
    case DataType::kBf16: return ElementType::kBfloat16;
    case DataType::kInvalid: break;
  }
  return ElementType::kUndefined;
}

std::string_view ElementTypeName(ElementType type) {
  switch (type) {
    case ElementType::kUndefined: return "UNDEFINED";
    case ElementType::kFloat: return "FLOAT";
    case ElementType::kUint8: return "UINT8";
    case ElementType::kInt8: return "INT8";
    case ElementType::kUint16: return "UINT16";
    case ElementType::kInt16: return "INT16";
    case ElementType::kInt32: return "INT32";
    case ElementType::kInt64: return "INT64";
    case ElementType::kString: return "STRING";
    case ElementType::kBool: return "BOOL";
    case ElementType::kFloat16: return "FLOAT16";
    case ElementType::kDouble: return "DOUBLE";
    case ElementType::kUint32: return "UINT32";
    case ElementType::kUint64: return "UINT64";
    case ElementType::kComplex64: return "COMPLEX64";
    case ElementType::kComplex128: return "COMPLEX128";
    case ElementType::kBfloat16: return "BFLOAT16";
  }
  return "UNKNOWN";  // a type newer than this list (8-bit floats, 4-bit ints, ...)
}

}  // namespace inferd::ort
