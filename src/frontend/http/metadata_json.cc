#include "frontend/http/metadata_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/data_type.h"

namespace inferd {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void String(JsonWriter* w, std::string_view text) {
  w->String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

template <typename Tensors>
void WriteTensors(JsonWriter* w, const Tensors& tensors, bool batched) {
  w->StartArray();
  for (const auto& tensor : tensors) {
    w->StartObject();
    w->Key("name");
    String(w, tensor.name());
    w->Key("datatype");
    String(w, DataTypeName(static_cast<DataType>(tensor.data_type())));
    w->Key("shape");
    w->StartArray();
    for (int64_t dim : ApiShape(tensor.dims(), batched)) w->Int64(dim);
    w->EndArray();
    w->EndObject();
  }
  w->EndArray();
}

}  // namespace

std::string ServerMetadataJson(const Server& server) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("name");
  String(&w, server.id());
  w.Key("version");
  String(&w, kInferdVersion);
  w.Key("extensions");
  w.StartArray();
  for (const auto& extension : server.extensions()) String(&w, extension);
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string ModelMetadataJson(const inference::ModelConfig& config, const std::vector<int64_t>& versions) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("name");
  String(&w, config.name());
  w.Key("versions");
  w.StartArray();
  for (int64_t version : versions) String(&w, std::to_string(version));
  w.EndArray();
  w.Key("platform");
  String(&w, config.platform().empty() ? config.backend() : config.platform());
  bool batched = config.max_batch_size() > 0;
  w.Key("inputs");
  WriteTensors(&w, config.input(), batched);
  w.Key("outputs");
  WriteTensors(&w, config.output(), batched);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string RepositoryIndexJson(const std::vector<ModelStatus>& models, bool ready_only) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartArray();
  for (const IndexRow& row : IndexRows(models, ready_only)) {
    w.StartObject();
    w.Key("name");
    String(&w, row.name);
    if (row.name_only) {
      w.EndObject();
      continue;
    }
    if (!row.version.empty()) {
      w.Key("version");
      String(&w, row.version);
    }
    w.Key("state");
    String(&w, ModelStateName(row.state));
    if (!row.reason.empty()) {
      w.Key("reason");
      String(&w, row.reason);
    }
    w.EndObject();
  }
  w.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace inferd
