#include "core/classification.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <numeric>

namespace inferd {
namespace {

template <typename T>
double ValueAt(const char* data, int64_t index) {
  T value;
  std::memcpy(&value, data + index * sizeof(T), sizeof(T));
  return static_cast<double>(value);
}

using Reader = double (*)(const char*, int64_t);

Reader ReaderFor(DataType type) {
  switch (type) {
    case DataType::kUint8: return ValueAt<uint8_t>;
    case DataType::kUint16: return ValueAt<uint16_t>;
    case DataType::kUint32: return ValueAt<uint32_t>;
    case DataType::kUint64: return ValueAt<uint64_t>;
    case DataType::kInt8: return ValueAt<int8_t>;
    case DataType::kInt16: return ValueAt<int16_t>;
    case DataType::kInt32: return ValueAt<int32_t>;
    case DataType::kInt64: return ValueAt<int64_t>;
    case DataType::kFp32: return ValueAt<float>;
    case DataType::kFp64: return ValueAt<double>;
    default: return nullptr;
  }
}

std::string FormatValue(DataType type, double value) {
  char text[64];
  if (type == DataType::kFp32 || type == DataType::kFp64) {
    std::snprintf(text, sizeof(text), "%f", value);
  } else if (type == DataType::kUint64) {
    std::snprintf(text, sizeof(text), "%" PRIu64, static_cast<uint64_t>(value));
  } else {
    std::snprintf(text, sizeof(text), "%" PRId64, static_cast<int64_t>(value));
  }
  return text;
}

}  // namespace

Status Classify(const Tensor& output, uint32_t k, bool batched, const std::vector<std::string>* labels,
                Tensor* result) {
  Reader read = ReaderFor(output.datatype);
  if (!read) {
    return Status::InvalidArg("class result not available for output '" + output.name + "' due to unsupported type '" +
                              std::string(DataTypeName(output.datatype)) + "'");
  }
  int64_t total = ElementCount(output.shape).value_or(0);
  bool per_item = batched && !output.shape.empty();
  int64_t items = per_item ? output.shape[0] : 1;
  int64_t per = items > 0 ? total / items : 0;
  int64_t top = std::min<int64_t>(k, per);

  std::string serialized;
  std::vector<int64_t> order(per);
  for (int64_t item = 0; item < items; ++item) {
    const char* base = output.data.data() + item * per * DataTypeByteSize(output.datatype);
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + top, order.end(), [&](int64_t a, int64_t b) {
      double va = read(base, a), vb = read(base, b);
      return va > vb || (va == vb && a < b);
    });
    for (int64_t i = 0; i < top; ++i) {
      int64_t index = order[i];
      std::string element = FormatValue(output.datatype, read(base, index)) + ":" + std::to_string(index);
      if (labels && index < static_cast<int64_t>(labels->size())) element += ":" + (*labels)[index];
      AppendBytesElement(element, &serialized);
    }
  }
  result->name = output.name;
  result->datatype = DataType::kBytes;
  result->shape = per_item ? Shape{items, top} : Shape{top};
  result->data = Buffer::FromString(std::move(serialized));
  return Status::Ok();
}

}  // namespace inferd
