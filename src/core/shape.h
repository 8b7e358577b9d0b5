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

// The full shape of a config tensor as clients see it: `dims` behind a -1
// batch dimension when the model batches (max_batch_size > 0).
template <typename Dims>
Shape ApiShape(const Dims& dims, bool batched) {
  Shape shape;
  if (batched) shape.push_back(-1);
  shape.insert(shape.end(), dims.begin(), dims.end());
  return shape;
}

// True when `actual` has the rank of `pattern` and every dimension equals the
// pattern's, a -1 in the pattern matching any size.
bool ShapeMatches(const Shape& pattern, const Shape& actual);

}  // namespace inferd
