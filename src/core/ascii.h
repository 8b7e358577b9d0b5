// Case folding for protocol text (header names, option values): ASCII only,
// whatever the locale.
#pragma once

#include <string>
#include <string_view>

namespace inferd {

inline std::string LowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace inferd
