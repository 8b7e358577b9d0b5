#include "frontend/http/metadata_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "core/data_type.h"
#include "frontend/http/json_write.h"

namespace inferd {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

template <typename Tensors>
void WriteTensors(JsonWriter* w, const Tensors& tensors, bool batched) {
  w->StartArray();
  for (const auto& tensor : tensors) {
    w->StartObject();
    w->Key("name");
    WriteString(w, tensor.name());
    w->Key("datatype");
    WriteString(w, DataTypeName(static_cast<DataType>(tensor.data_type())));
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
  WriteString(&w, server.id());
  w.Key("version");
  WriteString(&w, kInferdVersion);
  w.Key("extensions");
  w.StartArray();
  for (const auto& extension : server.extensions()) WriteString(&w, extension);
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string ModelMetadataJson(const inference::ModelConfig& config, const std::vector<int64_t>& versions) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("name");
  WriteString(&w, config.name());
  w.Key("versions");
  w.StartArray();
  for (int64_t version : versions) WriteString(&w, std::to_string(version));
  w.EndArray();
  w.Key("platform");
  WriteString(&w, config.platform().empty() ? config.backend() : config.platform());
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
    WriteString(&w, row.name);
    if (row.name_only) {
      w.EndObject();
      continue;
    }
    if (!row.version.empty()) {
      w.Key("version");
      WriteString(&w, row.version);
    }
    w.Key("state");
    WriteString(&w, ModelStateName(row.state));
    if (!row.reason.empty()) {
      w.Key("reason");
      WriteString(&w, row.reason);
    }
    w.EndObject();
  }
  w.EndArray();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace inferd
