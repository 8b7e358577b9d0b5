#include "perf/server_stats.h"

#include <rapidjson/document.h>

namespace inferd::perf {
namespace {

// Counters may move backwards when the model is reloaded between snapshots.
uint64_t Minus(uint64_t after, uint64_t before) { return after >= before ? after - before : 0; }

StatDuration Minus(const StatDuration& after, const StatDuration& before) {
  return {Minus(after.count, before.count), Minus(after.ns, before.ns)};
}

void Add(StatDuration* sum, const StatDuration& more) {
  sum->count += more.count;
  sum->ns += more.ns;
}

double AverageUs(const StatDuration& d) { return d.count ? static_cast<double>(d.ns) / d.count / 1000.0 : 0.0; }

bool ReadUint(const rapidjson::Value& object, const char* key, uint64_t* value) {
  auto member = object.FindMember(key);
  if (member == object.MemberEnd() || !member->value.IsUint64()) return false;
  *value += member->value.GetUint64();
  return true;
}

bool ReadDuration(const rapidjson::Value& stats, const char* key, StatDuration* duration) {
  auto member = stats.FindMember(key);
  if (member == stats.MemberEnd() || !member->value.IsObject()) return false;
  return ReadUint(member->value, "count", &duration->count) && ReadUint(member->value, "ns", &duration->ns);
}

}  // namespace

StatsDelta& StatsDelta::operator+=(const StatsDelta& other) {
  inference_count += other.inference_count;
  execution_count += other.execution_count;
  Add(&success, other.success);
  Add(&fail, other.fail);
  Add(&queue, other.queue);
  Add(&compute_input, other.compute_input);
  Add(&compute_infer, other.compute_infer);
  Add(&compute_output, other.compute_output);
  return *this;
}

StatsDelta Diff(const ModelStatsSnapshot& before, const ModelStatsSnapshot& after) {
  StatsDelta delta;
  delta.inference_count = Minus(after.inference_count, before.inference_count);
  delta.execution_count = Minus(after.execution_count, before.execution_count);
  delta.success = Minus(after.success, before.success);
  delta.fail = Minus(after.fail, before.fail);
  delta.queue = Minus(after.queue, before.queue);
  delta.compute_input = Minus(after.compute_input, before.compute_input);
  delta.compute_infer = Minus(after.compute_infer, before.compute_infer);
  delta.compute_output = Minus(after.compute_output, before.compute_output);
  return delta;
}

ServerAverages Averages(const StatsDelta& delta) {
  return {AverageUs(delta.queue), AverageUs(delta.compute_input), AverageUs(delta.compute_infer),
          AverageUs(delta.compute_output)};
}

Status ParseStatsJson(const std::string& body, const std::string& name, const std::string& version,
                      ModelStatsSnapshot* snapshot) {
  rapidjson::Document document;
  document.Parse(body.data(), body.size());
  if (document.HasParseError() || !document.IsObject() || !document.HasMember("model_stats") ||
      !document["model_stats"].IsArray()) {
    return Status::Error("the statistics reply is not an object with a \"model_stats\" array");
  }
  ModelStatsSnapshot sum;
  bool found = false;
  for (const auto& model : document["model_stats"].GetArray()) {
    if (!model.IsObject() || !model.HasMember("name") || !model["name"].IsString()) continue;
    if (model["name"].GetString() != name) continue;
    if (!version.empty() && model.HasMember("version") && model["version"].IsString() &&
        model["version"].GetString() != version) {
      continue;
    }
    auto stats = model.FindMember("inference_stats");
    bool complete = ReadUint(model, "inference_count", &sum.inference_count) &&
                    ReadUint(model, "execution_count", &sum.execution_count) &&
                    stats != model.MemberEnd() && stats->value.IsObject();
    if (complete) {
      const auto& s = stats->value;
      complete = ReadDuration(s, "success", &sum.success) && ReadDuration(s, "fail", &sum.fail) &&
                 ReadDuration(s, "queue", &sum.queue) && ReadDuration(s, "compute_input", &sum.compute_input) &&
                 ReadDuration(s, "compute_infer", &sum.compute_infer) &&
                 ReadDuration(s, "compute_output", &sum.compute_output);
      // Cache counters are optional: servers without a response cache may omit them.
      ReadDuration(s, "cache_hit", &sum.cache_hit);
      ReadDuration(s, "cache_miss", &sum.cache_miss);
    }
    if (!complete) return Status::Error("the statistics of model '" + name + "' lack counters or durations");
    found = true;
  }
  if (!found) return Status::Error("the statistics reply has no entry for model '" + name + "'");
  *snapshot = sum;
  return Status::Ok();
}

}  // namespace inferd::perf
