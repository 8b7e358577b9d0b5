#include "frontend/http/compression.h"

#include <zlib.h>

#include <cctype>
#include <cstdlib>

#include "core/ascii.h"

namespace inferd {
namespace {

// zlib's windowBits: 15 = zlib-wrapped deflate, +16 = gzip wrapper.
int WindowBits(Encoding encoding) { return encoding == Encoding::kGzip ? 15 + 16 : 15; }

std::string TrimmedLower(std::string_view text) {
  size_t begin = 0, end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return LowerAscii(text.substr(begin, end - begin));
}

}  // namespace

const char* EncodingName(Encoding encoding) {
  switch (encoding) {
    case Encoding::kGzip: return "gzip";
    case Encoding::kDeflate: return "deflate";
    case Encoding::kIdentity: return "identity";
  }
  return "identity";
}

Status ParseContentEncoding(std::string_view header, Encoding* encoding) {
  std::string value = TrimmedLower(header);
  if (value.empty() || value == "identity") *encoding = Encoding::kIdentity;
  else if (value == "gzip") *encoding = Encoding::kGzip;
  else if (value == "deflate") *encoding = Encoding::kDeflate;
  else return Status::Unsupported("unsupported Content-Encoding '" + std::string(header) + "'");
  return Status::Ok();
}

Encoding NegotiateResponseEncoding(std::string_view accept_encoding) {
  Encoding best = Encoding::kIdentity;
  double best_q = -1;
  size_t start = 0;
  while (start <= accept_encoding.size()) {
    size_t comma = accept_encoding.find(',', start);
    std::string_view item = accept_encoding.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                                                          : comma - start);
    size_t semicolon = item.find(';');
    std::string token = TrimmedLower(item.substr(0, semicolon));
    double q = 1.0;
    if (semicolon != std::string_view::npos) {
      std::string param = TrimmedLower(item.substr(semicolon + 1));
      if (param.rfind("q=", 0) != 0) q = 0;
      else {
        char* end = nullptr;
        q = std::strtod(param.c_str() + 2, &end);
        if (end == param.c_str() + 2 || q < 0 || q > 1) q = 0;
      }
    }
    Encoding candidate;
    bool known = true;
    if (token == "gzip") candidate = Encoding::kGzip;
    else if (token == "deflate") candidate = Encoding::kDeflate;
    else if (token == "identity") candidate = Encoding::kIdentity;
    else known = false;
    if (known && q > 0 && q > best_q) {
      best = candidate;
      best_q = q;
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return best;
}

Status Decompress(Encoding encoding, std::string_view input, size_t max_size, std::string* output) {
  output->clear();
  if (encoding == Encoding::kIdentity) {
    output->assign(input);
    return Status::Ok();
  }
  z_stream stream{};
  if (inflateInit2(&stream, WindowBits(encoding)) != Z_OK) return Status::Internal("unable to start inflating");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  int result = Z_OK;
  char chunk[64 * 1024];
  while (result != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof(chunk);
    result = inflate(&stream, Z_NO_FLUSH);
    if (result != Z_OK && result != Z_STREAM_END) {
      inflateEnd(&stream);
      return Status::InvalidArg(std::string("unable to decompress the ") + EncodingName(encoding) +
                                " request body: " + (stream.msg ? stream.msg : "corrupt or truncated data"));
    }
    size_t produced = sizeof(chunk) - stream.avail_out;
    if (output->size() + produced > max_size) {
      inflateEnd(&stream);
      return Status::InvalidArg("decompressed request body is larger than the maximum allowed size of " +
                                std::to_string(max_size) + " bytes (--http-max-input-size)");
    }
    output->append(chunk, produced);
    if (result == Z_OK && produced == 0 && stream.avail_in == 0) {
      inflateEnd(&stream);
      return Status::InvalidArg(std::string("unable to decompress the ") + EncodingName(encoding) +
                                " request body: data ends before the end of the stream");
    }
  }
  inflateEnd(&stream);
  return Status::Ok();
}

bool Compress(Encoding encoding, std::string_view input, std::string* output) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, WindowBits(encoding), 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return false;
  }
  output->resize(deflateBound(&stream, input.size()) + 32);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = reinterpret_cast<Bytef*>(output->data());
  stream.avail_out = static_cast<uInt>(output->size());
  int result = deflate(&stream, Z_FINISH);
  deflateEnd(&stream);
  if (result != Z_STREAM_END) return false;
  output->resize(stream.total_out);
  return true;
}

}  // namespace inferd
