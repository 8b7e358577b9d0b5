#include "core/base64.h"

#include <array>
#include <cstdint>

namespace inferd {
namespace {

constexpr std::array<int, 256> MakeTable() {
  std::array<int, 256> table{};
  for (int& value : table) value = -1;
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(alphabet[i])] = i;
  return table;
}

constexpr std::array<int, 256> kTable = MakeTable();

}  // namespace

bool Base64Decode(std::string_view text, std::string* out) {
  out->clear();
  size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  if (padding > 0 && text.size() % 4 != 0) return false;
  text.remove_suffix(padding);
  if (text.size() % 4 == 1) return false;
  out->reserve(text.size() / 4 * 3 + 2);
  uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    int value = kTable[static_cast<unsigned char>(c)];
    if (value < 0) return false;
    bits = (bits << 6) | static_cast<uint32_t>(value);
    if (++count == 4) {
      out->push_back(static_cast<char>((bits >> 16) & 0xff));
      out->push_back(static_cast<char>((bits >> 8) & 0xff));
      out->push_back(static_cast<char>(bits & 0xff));
      bits = 0;
      count = 0;
    }
  }
  if (count == 2) {
    out->push_back(static_cast<char>((bits >> 4) & 0xff));
  } else if (count == 3) {
    out->push_back(static_cast<char>((bits >> 10) & 0xff));
    out->push_back(static_cast<char>((bits >> 2) & 0xff));
  }
  return true;
}

}  // namespace inferd
