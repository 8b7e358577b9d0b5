#include "perf/tensor_encoding.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

namespace inferd::perf {
namespace {

template <typename T>
void AppendRaw(T value, std::string* out) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out->append(bytes, sizeof(T));
}

template <typename T>
T ReadRaw(const char* data) {
  T value;
  std::memcpy(&value, data, sizeof(T));
  return value;
}

uint32_t FloatBits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

// IEEE binary16 from binary32, rounding to nearest even.
uint16_t FloatToHalf(float value) {
  uint32_t bits = FloatBits(value);
  uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  uint32_t exponent = (bits >> 23) & 0xffu;
  uint32_t mantissa = bits & 0x7fffffu;
  if (exponent == 0xff) return sign | 0x7c00u | (mantissa ? 0x200u : 0u);  // inf, nan
  int32_t half_exponent = static_cast<int32_t>(exponent) - 127 + 15;
  if (half_exponent >= 0x1f) return sign | 0x7c00u;  // overflow to infinity
  if (half_exponent <= 0) {
    if (half_exponent < -10) return sign;  // underflow to zero
    mantissa |= 0x800000u;
    uint32_t shift = static_cast<uint32_t>(14 - half_exponent);
    uint32_t half_mantissa = mantissa >> shift;
    uint32_t remainder = mantissa & ((1u << shift) - 1);
    uint32_t halfway = 1u << (shift - 1);
    if (remainder > halfway || (remainder == halfway && (half_mantissa & 1u))) ++half_mantissa;
    return static_cast<uint16_t>(sign | half_mantissa);
  }
  uint32_t half = (static_cast<uint32_t>(half_exponent) << 10) | (mantissa >> 13);
  uint32_t remainder = mantissa & 0x1fffu;
  if (remainder > 0x1000u || (remainder == 0x1000u && (half & 1u))) ++half;  // may carry into the exponent
  return static_cast<uint16_t>(sign | half);
}

uint16_t FloatToBfloat16(float value) {
  uint32_t bits = FloatBits(value);
  if (std::isnan(value)) return static_cast<uint16_t>((bits >> 16) | 0x40u);
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>(bits >> 16);
}

template <typename T>
Status AppendInteger(const std::string& datatype, const Scalar& value, std::string* out) {
  auto out_of_range = [&](const std::string& text) {
    return Status::Error("value " + text + " does not fit in " + datatype);
  };
  if (const auto* b = std::get_if<bool>(&value)) {
    AppendRaw<T>(static_cast<T>(*b), out);
  } else if (const auto* i = std::get_if<int64_t>(&value)) {
    if (!std::in_range<T>(*i)) return out_of_range(std::to_string(*i));
    AppendRaw<T>(static_cast<T>(*i), out);
  } else if (const auto* u = std::get_if<uint64_t>(&value)) {
    if (!std::in_range<T>(*u)) return out_of_range(std::to_string(*u));
    AppendRaw<T>(static_cast<T>(*u), out);
  } else if (const auto* d = std::get_if<double>(&value)) {
    if (*d != std::floor(*d)) {
      return Status::Error("value " + std::to_string(*d) + " is not an integer for " + datatype);
    }
    if (!(*d >= static_cast<double>(std::numeric_limits<T>::min()) &&
          *d <= static_cast<double>(std::numeric_limits<T>::max()))) {
      return out_of_range(std::to_string(*d));
    }
    AppendRaw<T>(static_cast<T>(*d), out);
  } else {
    return Status::Error("a string is not a valid " + datatype + " value");
  }
  return Status::Ok();
}

bool AsDouble(const Scalar& value, double* number) {
  if (const auto* b = std::get_if<bool>(&value)) {
    *number = *b ? 1 : 0;
  } else if (const auto* i = std::get_if<int64_t>(&value)) {
    *number = static_cast<double>(*i);
  } else if (const auto* u = std::get_if<uint64_t>(&value)) {
    *number = static_cast<double>(*u);
  } else if (const auto* d = std::get_if<double>(&value)) {
    *number = *d;
  } else {
    return false;
  }
  return true;
}

template <typename T>
void AppendNumberText(T value, std::string* out) {
  char text[64];
  auto result = std::to_chars(text, text + sizeof(text), value);
  out->append(text, result.ptr);
}

template <typename T>
void AppendJsonNumbers(std::string_view data, std::string* out) {
  for (size_t offset = 0; offset + sizeof(T) <= data.size(); offset += sizeof(T)) {
    if (offset) out->push_back(',');
    T value = ReadRaw<T>(data.data() + offset);
    if constexpr (std::is_floating_point_v<T>) {
      // JSON has no NaN or infinity; the server would reject the body anyway.
      if (!std::isfinite(value)) value = 0;
    }
    AppendNumberText(value, out);
  }
}

using JsonAppender = void (*)(std::string_view, std::string*);

JsonAppender NumberAppender(const std::string& datatype) {
  if (datatype == "INT8") return AppendJsonNumbers<int8_t>;
  if (datatype == "INT16") return AppendJsonNumbers<int16_t>;
  if (datatype == "INT32") return AppendJsonNumbers<int32_t>;
  if (datatype == "INT64") return AppendJsonNumbers<int64_t>;
  if (datatype == "UINT8") return AppendJsonNumbers<uint8_t>;
  if (datatype == "UINT16") return AppendJsonNumbers<uint16_t>;
  if (datatype == "UINT32") return AppendJsonNumbers<uint32_t>;
  if (datatype == "UINT64") return AppendJsonNumbers<uint64_t>;
  if (datatype == "FP32") return AppendJsonNumbers<float>;
  if (datatype == "FP64") return AppendJsonNumbers<double>;
  return nullptr;
}

}  // namespace

int64_t DataTypeSize(const std::string& datatype) {
  if (datatype == "BOOL" || datatype == "INT8" || datatype == "UINT8") return 1;
  if (datatype == "INT16" || datatype == "UINT16" || datatype == "FP16" || datatype == "BF16") return 2;
  if (datatype == "INT32" || datatype == "UINT32" || datatype == "FP32") return 4;
  if (datatype == "INT64" || datatype == "UINT64" || datatype == "FP64") return 8;
  if (datatype == "BYTES") return 0;
  return -1;
}

Status AppendElement(const std::string& datatype, const Scalar& value, std::string* out) {
  if (datatype == "BYTES") {
    const auto* text = std::get_if<std::string>(&value);
    if (!text) return Status::Error("BYTES elements must be strings");
    AppendRaw<uint32_t>(static_cast<uint32_t>(text->size()), out);
    out->append(*text);
    return Status::Ok();
  }
  if (datatype == "BOOL") {
    double number;
    if (!AsDouble(value, &number) || (number != 0 && number != 1)) {
      return Status::Error("BOOL elements must be true, false, 0 or 1");
    }
    out->push_back(number != 0 ? 1 : 0);
    return Status::Ok();
  }
  if (datatype == "INT8") return AppendInteger<int8_t>(datatype, value, out);
  if (datatype == "INT16") return AppendInteger<int16_t>(datatype, value, out);
  if (datatype == "INT32") return AppendInteger<int32_t>(datatype, value, out);
  if (datatype == "INT64") return AppendInteger<int64_t>(datatype, value, out);
  if (datatype == "UINT8") return AppendInteger<uint8_t>(datatype, value, out);
  if (datatype == "UINT16") return AppendInteger<uint16_t>(datatype, value, out);
  if (datatype == "UINT32") return AppendInteger<uint32_t>(datatype, value, out);
  if (datatype == "UINT64") return AppendInteger<uint64_t>(datatype, value, out);
  double number;
  if (DataTypeSize(datatype) > 0 && !AsDouble(value, &number)) {
    return Status::Error("a string is not a valid " + datatype + " value");
  }
  if (datatype == "FP32") {
    AppendRaw<float>(static_cast<float>(number), out);
  } else if (datatype == "FP64") {
    AppendRaw<double>(number, out);
  } else if (datatype == "FP16") {
    AppendRaw<uint16_t>(FloatToHalf(static_cast<float>(number)), out);
  } else if (datatype == "BF16") {
    AppendRaw<uint16_t>(FloatToBfloat16(static_cast<float>(number)), out);
  } else {
    return Status::Error("unknown datatype '" + datatype + "'");
  }
  return Status::Ok();
}

void AppendJsonString(std::string_view text, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (byte < 0x20) {
      out->append("\\u00");
      out->push_back(kHex[byte >> 4]);
      out->push_back(kHex[byte & 0xf]);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

Status AppendJsonElements(const std::string& datatype, std::string_view data, std::string* out) {
  if (datatype == "BYTES") {
    size_t offset = 0;
    bool first = true;
    while (offset < data.size()) {
      if (offset + 4 > data.size()) return Status::Error("truncated BYTES element");
      uint32_t length = ReadRaw<uint32_t>(data.data() + offset);
      offset += 4;
      if (offset + length > data.size()) return Status::Error("truncated BYTES element");
      if (!first) out->push_back(',');
      first = false;
      AppendJsonString(data.substr(offset, length), out);
      offset += length;
    }
    return Status::Ok();
  }
  if (datatype == "BOOL") {
    for (size_t i = 0; i < data.size(); ++i) {
      if (i) out->push_back(',');
      out->append(data[i] ? "true" : "false");
    }
    return Status::Ok();
  }
  if (auto append = NumberAppender(datatype)) {
    append(data, out);
    return Status::Ok();
  }
  return Status::Error(datatype + " tensors cannot be sent as JSON; use binary tensors");
}

}  // namespace inferd::perf
