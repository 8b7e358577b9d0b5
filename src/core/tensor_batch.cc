#include "core/tensor_batch.h"

#include <algorithm>
#include <cstring>
#include <string_view>

namespace inferd {

Status ConcatBatch(const std::vector<const Tensor*>& parts, Tensor* out) {
  if (parts.empty()) return Status::Internal("no tensors to join");
  const Tensor& first = *parts[0];
  if (parts.size() == 1) {
    *out = first;
    return Status::Ok();
  }
  if (first.shape.empty()) return Status::Internal("tensor '" + first.name + "' has no batch dimension to join on");
  Shape shape = first.shape;
  shape[0] = 0;
  size_t bytes = 0;
  for (const Tensor* part : parts) {
    if (part->datatype != first.datatype || part->shape.size() != first.shape.size() ||
        !std::equal(part->shape.begin() + 1, part->shape.end(), first.shape.begin() + 1)) {
      return Status::Internal("tensor '" + first.name + "' cannot be batched: " + ShapeToString(first.shape) +
                              " and " + ShapeToString(part->shape));
    }
    shape[0] += part->shape[0];
    bytes += part->data.size();
  }
  char* writable = nullptr;
  Buffer joined = Buffer::Allocate(bytes, &writable);
  for (const Tensor* part : parts) {
    if (part->data.size() > 0) std::memcpy(writable, part->data.data(), part->data.size());
    writable += part->data.size();
  }
  out->name = first.name;
  out->datatype = first.datatype;
  out->shape = std::move(shape);
  out->data = std::move(joined);
  return Status::Ok();
}

namespace {

// Byte offset of the start of every row of a BYTES tensor, plus the end.
Status BytesRowOffsets(const Tensor& whole, int64_t row_count, std::vector<size_t>* offsets) {
  auto elements = ElementCount(whole.shape);
  if (!elements) return Status::Internal("tensor '" + whole.name + "' has an invalid shape");
  std::vector<std::string_view> items;
  std::string_view data(whole.data.data(), whole.data.size());
  INFERD_RETURN_IF_ERROR(SplitBytesElements(whole.name, data, *elements, &items));
  int64_t per_row = row_count == 0 ? 0 : *elements / row_count;
  offsets->push_back(0);
  for (int64_t row = 1; row <= row_count; ++row) {
    if (row == row_count || per_row == 0) {
      offsets->push_back(row == row_count ? data.size() : offsets->back());
      continue;
    }
    const std::string_view& next = items[row * per_row];
    offsets->push_back(static_cast<size_t>(next.data() - data.data()) - 4);  // back over the length prefix
  }
  return Status::Ok();
}

}  // namespace

Status SplitBatch(const Tensor& whole, const std::vector<int64_t>& rows, std::vector<Tensor>* parts) {
  int64_t total = 0;
  for (int64_t r : rows) total += r;
  if (whole.shape.empty() || whole.shape[0] != total) {
    return Status::Internal("output '" + whole.name + "' has shape " + ShapeToString(whole.shape) +
                            ", expected a first dimension of " + std::to_string(total) +
                            " (the batch of the requests)");
  }
  if (rows.size() == 1) {
    parts->push_back(whole);
    return Status::Ok();
  }
  std::vector<size_t> row_offsets;  // byte offset of each row start, plus the end
  if (whole.datatype == DataType::kBytes) {
    INFERD_RETURN_IF_ERROR(BytesRowOffsets(whole, total, &row_offsets));
  } else {
    size_t row_bytes = total == 0 ? 0 : whole.data.size() / total;
    for (int64_t row = 0; row <= total; ++row) row_offsets.push_back(row * row_bytes);
  }
  int64_t row = 0;
  for (int64_t count : rows) {
    Tensor part;
    part.name = whole.name;
    part.datatype = whole.datatype;
    part.shape = whole.shape;
    part.shape[0] = count;
    size_t begin = row_offsets[row], end = row_offsets[row + count];
    part.data = whole.data.Slice(begin, end - begin);
    parts->push_back(std::move(part));
    row += count;
  }
  return Status::Ok();
}

}  // namespace inferd
