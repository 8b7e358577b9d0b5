#include "frontend/http/stats_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "frontend/http/json_write.h"

namespace inferd {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void Duration(JsonWriter* w, const char* key, const DurationStat& stat) {
  w->Key(key);
  w->StartObject();
  w->Key("count");
  w->Uint64(stat.count);
  w->Key("ns");
  w->Uint64(stat.ns);
  w->EndObject();
}

void InferenceStats(JsonWriter* w, const ModelStatsSnapshot& s) {
  w->Key("inference_stats");
  w->StartObject();
  Duration(w, "success", s.success);
  Duration(w, "fail", s.fail);
  Duration(w, "queue", s.queue);
  Duration(w, "compute_input", s.compute_input);
  Duration(w, "compute_infer", s.compute_infer);
  Duration(w, "compute_output", s.compute_output);
  Duration(w, "cache_hit", s.cache_hit);
  Duration(w, "cache_miss", s.cache_miss);
  w->EndObject();
}

void BatchStats(JsonWriter* w, const std::vector<BatchStat>& batches) {
  w->Key("batch_stats");
  w->StartArray();
  for (const BatchStat& batch : batches) {
    w->StartObject();
    w->Key("batch_size");
    w->Uint64(batch.batch_size);
    Duration(w, "compute_input", batch.compute_input);
    Duration(w, "compute_infer", batch.compute_infer);
    Duration(w, "compute_output", batch.compute_output);
    w->EndObject();
  }
  w->EndArray();
}

}  // namespace

std::string StatisticsJson(const std::vector<ModelStatsEntry>& entries) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("model_stats");
  w.StartArray();
  for (const ModelStatsEntry& entry : entries) {
    const ModelStatsSnapshot& s = entry.stats;
    w.StartObject();
    WriteStringMember(&w, "name", entry.name);
    w.Key("version");
    w.String(std::to_string(entry.version).c_str());
    w.Key("last_inference");
    w.Uint64(s.last_inference_ms);
    w.Key("inference_count");
    w.Uint64(s.inference_count);
    w.Key("execution_count");
    w.Uint64(s.execution_count);
    InferenceStats(&w, s);
    w.Key("response_stats");
    w.StartObject();
    w.EndObject();
    BatchStats(&w, s.batch_stats);
    w.Key("memory_usage");
    w.StartArray();
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace inferd
