#include "perf/input_data.h"

#include <fstream>
#include <numeric>
#include <random>
#include <sstream>

#include "perf/tensor_encoding.h"

namespace inferd::perf {
namespace {

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? "," : "") + std::to_string(shape[i]);
  return text + "]";
}

int64_t ElementCount(const std::vector<int64_t>& shape) {
  int64_t count = 1;
  for (int64_t d : shape) count *= d;
  return count;
}

Status GenerateTensor(const TensorInfo& input, const std::vector<int64_t>& shape, bool zero, int64_t string_length,
                      std::mt19937_64* random, std::string* data) {
  int64_t count = ElementCount(shape);
  int64_t size = DataTypeSize(input.datatype);
  if (size < 0) return Status::Error("input '" + input.name + "' has unknown datatype '" + input.datatype + "'");
  if (input.datatype == "BYTES") {
    std::uniform_int_distribution<int> printable(' ' + 1, '~');
    std::string element;
    for (int64_t i = 0; i < count; ++i) {
      element.clear();
      if (!zero) {
        for (int64_t c = 0; c < string_length; ++c) element.push_back(static_cast<char>(printable(*random)));
      }
      Status status = AppendElement(input.datatype, element, data);
      if (!status.ok()) return status;
    }
    return Status::Ok();
  }
  if (zero) {
    data->assign(static_cast<size_t>(count * size), '\0');
    return Status::Ok();
  }
  data->reserve(static_cast<size_t>(count * size));
  bool floating = input.datatype == "FP16" || input.datatype == "BF16" || input.datatype == "FP32" ||
                  input.datatype == "FP64";
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  // Small non-negative integers suit every integer type and stay valid as
  // indices or token ids more often than arbitrary bit patterns.
  std::uniform_int_distribution<int64_t> integer(0, input.datatype == "BOOL" ? 1 : 99);
  for (int64_t i = 0; i < count; ++i) {
    Scalar value = floating ? Scalar(uniform(*random)) : Scalar(integer(*random));
    Status status = AppendElement(input.datatype, value, data);
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

}  // namespace

Status ResolveShape(const TensorInfo& input, const ShapeOverrides& shapes, std::vector<int64_t>* shape) {
  auto given = shapes.find(input.name);
  if (given == shapes.end()) {
    for (int64_t d : input.shape) {
      if (d < 0) {
        return Status::Error("input '" + input.name + "' has variable dimensions " + ShapeText(input.shape) +
                             "; give its shape with --shape " + input.name + ":<d1>,<d2>,...");
      }
    }
    *shape = input.shape;
    return Status::Ok();
  }
  const std::vector<int64_t>& dims = given->second;
  bool fits = dims.size() == input.shape.size();
  for (size_t i = 0; fits && i < dims.size(); ++i) {
    fits = dims[i] >= 0 && (input.shape[i] < 0 || input.shape[i] == dims[i]);
  }
  if (!fits) {
    return Status::Error("--shape " + input.name + ":" + ShapeText(dims) + " does not fit the model's shape " +
                         ShapeText(input.shape) + " for that input (the batch dimension is not part of --shape)");
  }
  *shape = dims;
  return Status::Ok();
}

Status GenerateEntries(const ModelInfo& model, const InputDataOptions& options, bool zero, int64_t count,
                       std::vector<DataEntry>* entries) {
  std::mt19937_64 random(20240601);
  std::vector<std::vector<int64_t>> shapes;
  for (const auto& input : model.inputs) {
    Status status = ResolveShape(input, options.shapes, &shapes.emplace_back());
    if (!status.ok()) return status;
  }
  for (int64_t e = 0; e < count; ++e) {
    DataEntry entry;
    for (size_t i = 0; i < model.inputs.size(); ++i) {
      SampleTensor& tensor = entry[model.inputs[i].name];
      tensor.shape = shapes[i];
      Status status = GenerateTensor(model.inputs[i], shapes[i], zero, options.string_length, &random, &tensor.data);
      if (!status.ok()) return status;
    }
    entries->push_back(std::move(entry));
  }
  return Status::Ok();
}

Status BuildPayloads(const ModelInfo& model, const std::vector<DataEntry>& entries, int64_t batch_size,
                     std::vector<InferPayload>* payloads) {
  if (entries.empty()) return Status::Error("the input data has no entries");
  const int64_t n = static_cast<int64_t>(entries.size());
  const int64_t requests = n / std::gcd(n, batch_size);
  for (int64_t r = 0; r < requests; ++r) {
    InferPayload payload;
    for (const auto& input : model.inputs) {
      InputTensor tensor;
      tensor.name = input.name;
      tensor.datatype = input.datatype;
      const std::vector<int64_t>* sample_shape = nullptr;
      for (int64_t k = 0; k < batch_size; ++k) {
        int64_t index = (r * batch_size + k) % n;
        auto found = entries[index].find(input.name);
        if (found == entries[index].end()) {
          return Status::Error("input data entry " + std::to_string(index) + " has no data for input '" +
                               input.name + "'");
        }
        if (sample_shape && *sample_shape != found->second.shape) {
          return Status::Error("input '" + input.name + "' has shape " + ShapeText(found->second.shape) +
                               " in entry " + std::to_string(index) + " but " + ShapeText(*sample_shape) +
                               " in the entry before it; samples batched together need one shape");
        }
        sample_shape = &found->second.shape;
        tensor.data += found->second.data;
      }
      if (model.max_batch_size > 0) tensor.shape.push_back(batch_size);
      tensor.shape.insert(tensor.shape.end(), sample_shape->begin(), sample_shape->end());
      payload.inputs.push_back(std::move(tensor));
    }
    payloads->push_back(std::move(payload));
  }
  return Status::Ok();
}

Status LoadInputData(const ModelInfo& model, const InputDataOptions& options, std::vector<InferPayload>* payloads) {
  if (options.batch_size < 1) return Status::Error("the batch size must be at least 1");
  if (model.max_batch_size == 0 && options.batch_size > 1) {
    return Status::Error("model '" + model.name + "' does not support batching (max_batch_size 0); use -b 1");
  }
  if (model.max_batch_size > 0 && options.batch_size > model.max_batch_size) {
    return Status::Error("batch size " + std::to_string(options.batch_size) + " exceeds the max_batch_size " +
                         std::to_string(model.max_batch_size) + " of model '" + model.name + "'");
  }
  for (const auto& [name, dims] : options.shapes) {
    bool known = false;
    for (const auto& input : model.inputs) known = known || input.name == name;
    if (!known) return Status::Error("--shape names '" + name + "', which is not an input of '" + model.name + "'");
  }
  std::vector<DataEntry> entries;
  Status status;
  if (options.source == "random" || options.source == "zero") {
    status = GenerateEntries(model, options, options.source == "zero", options.batch_size, &entries);
  } else {
    std::ifstream file(options.source);
    if (!file) return Status::Error("cannot read input data file '" + options.source + "'");
    std::stringstream text;
    text << file.rdbuf();
    status = ParseInputDataJson(text.str(), model, options.shapes, &entries);
    if (!status.ok()) status = Status::Error("input data file '" + options.source + "': " + status.message());
  }
  if (!status.ok()) return status;
  return BuildPayloads(model, entries, options.batch_size, payloads);
}

}  // namespace inferd::perf
