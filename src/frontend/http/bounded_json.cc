#include "frontend/http/bounded_json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

namespace inferd {
namespace {

// Forwards every event to the document's own handler, counting depth.
class DepthLimitedHandler {
 public:
  DepthLimitedHandler(rapidjson::Document* target, int max_depth) : target_(target), max_depth_(max_depth) {}

  bool Null() { return target_->Null(); }
  bool Bool(bool b) { return target_->Bool(b); }
  bool Int(int i) { return target_->Int(i); }
  bool Uint(unsigned u) { return target_->Uint(u); }
  bool Int64(int64_t i) { return target_->Int64(i); }
  bool Uint64(uint64_t u) { return target_->Uint64(u); }
  bool Double(double d) { return target_->Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) { return target_->RawNumber(s, n, copy); }
  bool String(const char* s, rapidjson::SizeType n, bool copy) { return target_->String(s, n, copy); }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return target_->Key(s, n, copy); }
  bool StartObject() { return Enter() && target_->StartObject(); }
  bool EndObject(rapidjson::SizeType n) { --depth_; return target_->EndObject(n); }
  bool StartArray() { return Enter() && target_->StartArray(); }
  bool EndArray(rapidjson::SizeType n) { --depth_; return target_->EndArray(n); }

  bool too_deep() const { return too_deep_; }

 private:
  bool Enter() {
    if (++depth_ > max_depth_) too_deep_ = true;
    return !too_deep_;
  }

  rapidjson::Document* target_;
  int max_depth_;
  int depth_ = 0;
  bool too_deep_ = false;
};

}  // namespace

Status ParseBoundedJson(std::string_view text, rapidjson::Document* document, int max_depth) {
  DepthLimitedHandler handler(document, max_depth);
  rapidjson::ParseResult result;
  auto generator = [&](rapidjson::Document&) {
    rapidjson::MemoryStream stream(text.data(), text.size());
    rapidjson::Reader reader;
    result = reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseStopWhenDoneFlag |
                          rapidjson::kParseNanAndInfFlag | rapidjson::kParseFullPrecisionFlag>(stream, handler);
    if (!result) return false;
    // Only whitespace may follow the value.
    for (size_t i = stream.Tell(); i < text.size(); ++i) {
      char c = text[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        result.Set(rapidjson::kParseErrorDocumentRootNotSingular, i);
        return false;
      }
    }
    return true;
  };
  document->Populate(generator);
  if (handler.too_deep()) {
    return Status::InvalidArg("JSON is nested more than " + std::to_string(max_depth) + " levels deep");
  }
  if (!result) {
    return Status::InvalidArg(std::string("failed to parse the request JSON buffer: ") +
                              rapidjson::GetParseError_En(result.Code()) + " at offset " +
                              std::to_string(result.Offset()));
  }
  return Status::Ok();
}

}  // namespace inferd
