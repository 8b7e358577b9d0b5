// JSON parsing with a nesting limit.
//
// RapidJSON's DOM parser and its value destructor both recurse once per
// nesting level, so a body of a few thousand '[' would overflow the stack.
// This parser runs RapidJSON's iterative reader and refuses documents nested
// deeper than the limit before any deep DOM exists.
#pragma once

#include <rapidjson/document.h>

#include <string_view>

#include "core/status.h"

namespace inferd {

inline constexpr int kMaxJsonDepth = 100;

// Parses `text` into `document`. Fails with a message giving the byte offset
// of a syntax error, or saying the nesting limit was passed.
Status ParseBoundedJson(std::string_view text, rapidjson::Document* document, int max_depth = kMaxJsonDepth);

}  // namespace inferd
