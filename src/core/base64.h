// Base64 (RFC 4648, standard alphabet), as JSON carries binary content such
// as the files of a model load request.
#pragma once

#include <string>
#include <string_view>

namespace inferd {

// Decodes `text`; '=' padding is optional. False when `text` holds a
// character outside the alphabet or has an impossible length.
bool Base64Decode(std::string_view text, std::string* out);

}  // namespace inferd
