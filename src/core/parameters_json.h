// Request/response parameters as JSON, with any RapidJSON-style writer or
// value, so every JSON producer and reader treats them alike.
#pragma once

#include <type_traits>
#include <variant>

#include "core/inference.h"

namespace inferd {

template <typename Writer>
void WriteParametersJson(const Parameters& parameters, Writer* w) {
  w->StartObject();
  for (const auto& [key, value] : parameters) {
    w->Key(key.c_str(), static_cast<unsigned>(key.size()));
    std::visit(
        [w](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, bool>) w->Bool(v);
          else if constexpr (std::is_same_v<V, int64_t>) w->Int64(v);
          else if constexpr (std::is_same_v<V, uint64_t>) w->Uint64(v);
          else if constexpr (std::is_same_v<V, double>) w->Double(v);
          else w->String(v.c_str(), static_cast<unsigned>(v.size()));
        },
        value);
  }
  w->EndObject();
}

// Reads one parameter value from a RapidJSON-style value; false when it is
// not a bool, number or string.
template <typename Value>
bool ReadParameterJson(const Value& value, ParameterValue* out) {
  if (value.IsBool()) *out = value.GetBool();
  else if (value.IsInt64()) *out = value.GetInt64();
  else if (value.IsUint64()) *out = value.GetUint64();
  else if (value.IsNumber()) *out = value.GetDouble();
  else if (value.IsString()) *out = std::string(value.GetString(), value.GetStringLength());
  else return false;
  return true;
}

}  // namespace inferd
