// ParseInputDataJson: perf_analyzer's input data file format.
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "perf/input_data.h"
#include "perf/tensor_encoding.h"

namespace inferd::perf {
namespace {

Status ToScalar(const rapidjson::Value& value, Scalar* scalar) {
  if (value.IsBool()) {
    *scalar = value.GetBool();
  } else if (value.IsInt64()) {
    *scalar = value.GetInt64();
  } else if (value.IsUint64()) {
    *scalar = value.GetUint64();
  } else if (value.IsNumber()) {
    *scalar = value.GetDouble();
  } else if (value.IsString()) {
    *scalar = std::string(value.GetString(), value.GetStringLength());
  } else {
    return Status::Error("values must be numbers, booleans or strings");
  }
  return Status::Ok();
}

// Appends the elements of a flat or nested array.
Status AppendValues(const rapidjson::Value& values, const std::string& datatype, std::string* data, int64_t* count) {
  for (const auto& value : values.GetArray()) {
    if (value.IsArray()) {
      Status status = AppendValues(value, datatype, data, count);
      if (!status.ok()) return status;
      continue;
    }
    Scalar scalar;
    Status status = ToScalar(value, &scalar);
    if (status.ok()) status = AppendElement(datatype, scalar, data);
    if (!status.ok()) return status;
    ++*count;
  }
  return Status::Ok();
}

int64_t Product(const std::vector<int64_t>& shape) {
  int64_t product = 1;
  for (int64_t d : shape) product *= d;
  return product;
}

// The sample shape of `input` holding `count` elements, when no shape was
// written next to the content.
Status InferShape(const TensorInfo& input, const ShapeOverrides& shapes, int64_t count, std::vector<int64_t>* shape) {
  if (shapes.count(input.name)) return ResolveShape(input, shapes, shape);
  int variable = -1;
  int64_t known = 1;
  for (size_t i = 0; i < input.shape.size(); ++i) {
    if (input.shape[i] >= 0) {
      known *= input.shape[i];
    } else if (variable >= 0) {
      return ResolveShape(input, shapes, shape);  // more than one variable dimension: --shape decides
    } else {
      variable = static_cast<int>(i);
    }
  }
  *shape = input.shape;
  if (variable >= 0 && known > 0 && count % known == 0) (*shape)[variable] = count / known;
  return Status::Ok();
}

Status ParseTensor(const rapidjson::Value& value, const TensorInfo& input, const ShapeOverrides& shapes,
                   SampleTensor* tensor) {
  int64_t count = 0;
  if (value.IsArray()) {
    Status status = AppendValues(value, input.datatype, &tensor->data, &count);
    if (status.ok()) status = InferShape(input, shapes, count, &tensor->shape);
    if (!status.ok()) return status;
  } else if (value.IsObject() && value.HasMember("content") && value["content"].IsArray()) {
    if (value.HasMember("shape")) {
      const auto& shape = value["shape"];
      if (!shape.IsArray()) return Status::Error("\"shape\" must be an array of integers");
      std::vector<int64_t> dims;
      for (const auto& d : shape.GetArray()) {
        if (!d.IsInt64() || d.GetInt64() < 0) return Status::Error("\"shape\" must be an array of integers >= 0");
        dims.push_back(d.GetInt64());
      }
      ShapeOverrides given = {{input.name, dims}};
      Status status = ResolveShape(input, given, &tensor->shape);
      if (!status.ok()) return Status::Error("shape does not fit the model: " + status.message());
    }
    Status status = AppendValues(value["content"], input.datatype, &tensor->data, &count);
    if (status.ok() && !value.HasMember("shape")) status = InferShape(input, shapes, count, &tensor->shape);
    if (!status.ok()) return status;
  } else {
    return Status::Error("expected an array of values or {\"content\": [...], \"shape\": [...]}");
  }
  for (int64_t d : tensor->shape) {
    if (d < 0) {
      return Status::Error("cannot tell the shape of " + std::to_string(count) +
                           " elements; add \"shape\" next to \"content\" or use --shape");
    }
  }
  if (Product(tensor->shape) != count) {
    std::string shape_text;
    for (int64_t d : tensor->shape) shape_text += (shape_text.empty() ? "" : ",") + std::to_string(d);
    return Status::Error("has " + std::to_string(count) + " elements but shape [" + shape_text + "] holds " +
                         std::to_string(Product(tensor->shape)));
  }
  return Status::Ok();
}

}  // namespace

Status ParseInputDataJson(const std::string& text, const ModelInfo& model, const ShapeOverrides& shapes,
                          std::vector<DataEntry>* entries) {
  rapidjson::Document document;
  document.Parse(text.data(), text.size());
  if (document.HasParseError()) {
    return Status::Error(std::string("invalid JSON at offset ") + std::to_string(document.GetErrorOffset()) + ": " +
                         rapidjson::GetParseError_En(document.GetParseError()));
  }
  if (!document.IsObject() || !document.HasMember("data") || !document["data"].IsArray()) {
    return Status::Error("expected an object with a \"data\" array");
  }
  const auto& data = document["data"].GetArray();
  if (data.Empty()) return Status::Error("\"data\" is empty");
  for (rapidjson::SizeType e = 0; e < data.Size(); ++e) {
    if (!data[e].IsObject()) return Status::Error("entry " + std::to_string(e) + " of \"data\" is not an object");
    DataEntry entry;
    for (const auto& input : model.inputs) {
      auto member = data[e].FindMember(input.name.c_str());
      if (member == data[e].MemberEnd()) {
        return Status::Error("entry " + std::to_string(e) + " has no data for input '" + input.name + "'");
      }
      Status status = ParseTensor(member->value, input, shapes, &entry[input.name]);
      if (!status.ok()) {
        return Status::Error("entry " + std::to_string(e) + ", input '" + input.name + "': " + status.message());
      }
    }
    entries->push_back(std::move(entry));
  }
  return Status::Ok();
}

}  // namespace inferd::perf
