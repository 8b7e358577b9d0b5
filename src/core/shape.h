// Shape: the dimensions of a tensor, outermost first. -1 marks a variable
// dimension in model configs; request and response shapes are never negative.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace inferd {

using Shape = std::vector<int64_t>;

// Number of elements of a concrete shape (1 for a scalar shape []). Empty when
// a dimension is negative or the product overflows int64.
std::optional<int64_t> ElementCount(const Shape& shape);

// "[1,3,224,224]", the form used in error messages.
std::string ShapeToString(const Shape& shape);

// True when `actual` has the rank of `pattern` and every dimension equals the
// pattern's, a -1 in the pattern matching any size.
bool ShapeMatches(const Shape& pattern, const Shape& actual);

}  // namespace inferd
