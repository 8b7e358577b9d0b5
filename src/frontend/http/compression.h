// gzip and deflate bodies (Content-Encoding / Accept-Encoding), bounded.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace inferd {

enum class Encoding { kIdentity, kGzip, kDeflate };

// Encoding of a Content-Encoding header value; fails (UNSUPPORTED) for any
// encoding other than identity, gzip and deflate.
Status ParseContentEncoding(std::string_view header, Encoding* encoding);

// The encoding to answer with, from an Accept-Encoding header: the highest
// q-value among identity, gzip and deflate (first wins ties).
Encoding NegotiateResponseEncoding(std::string_view accept_encoding);

// "gzip" or "deflate".
const char* EncodingName(Encoding encoding);

// Inflates `input`; fails when the data is not valid for the encoding or
// would inflate to more than `max_size` bytes.
Status Decompress(Encoding encoding, std::string_view input, size_t max_size, std::string* output);

// Compresses `input`; returns false if zlib fails.
bool Compress(Encoding encoding, std::string_view input, std::string* output);

}  // namespace inferd
