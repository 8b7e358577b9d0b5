// Writing text into a RapidJSON writer: strings by length (they may hold NUL
// bytes and need no terminator), alone or as an object member.
#pragma once

#include <rapidjson/rapidjson.h>

#include <string_view>

namespace inferd {

template <typename Writer>
void WriteString(Writer* w, std::string_view text) {
  w->String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

template <typename Writer>
void WriteStringMember(Writer* w, const char* key, std::string_view value) {
  w->Key(key);
  WriteString(w, value);
}

}  // namespace inferd
