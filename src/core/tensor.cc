#include "core/tensor.h"

#include <cstdint>
#include <cstring>

namespace inferd {

Status SplitBytesElements(std::string_view tensor_name, std::string_view data,
                          int64_t expected_count, std::vector<std::string_view>* elements) {
  elements->clear();
  size_t offset = 0;
  while (offset < data.size()) {
    if (data.size() - offset < sizeof(uint32_t)) {
      return Status::InvalidArg("BYTES tensor '" + std::string(tensor_name) +
                                "' ends in the middle of an element length prefix");
    }
    uint32_t length;
    std::memcpy(&length, data.data() + offset, sizeof(length));
    offset += sizeof(length);
    if (length > data.size() - offset) {
      return Status::InvalidArg("BYTES element " + std::to_string(elements->size()) +
                                " of tensor '" + std::string(tensor_name) + "' declares " +
                                std::to_string(length) + " bytes but only " +
                                std::to_string(data.size() - offset) + " remain");
    }
    elements->emplace_back(data.data() + offset, length);
    offset += length;
  }
  if (static_cast<int64_t>(elements->size()) != expected_count) {
    return Status::InvalidArg("BYTES tensor '" + std::string(tensor_name) + "' holds " +
                              std::to_string(elements->size()) + " elements but its shape needs " +
                              std::to_string(expected_count));
  }
  return Status::Ok();
}

void AppendBytesElement(std::string_view element, std::string* out) {
  uint32_t length = static_cast<uint32_t>(element.size());
  char prefix[sizeof(length)];
  std::memcpy(prefix, &length, sizeof(length));
  out->append(prefix, sizeof(prefix));
  out->append(element);
}

}  // namespace inferd
