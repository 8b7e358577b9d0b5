// Writes request/response parameters as a JSON object with any RapidJSON-style
// writer (Key/Bool/Int64/Uint64/Double/String), so every JSON producer renders
// them alike.
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

}  // namespace inferd
