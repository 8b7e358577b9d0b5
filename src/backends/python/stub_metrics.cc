#include "backends/python/stub_metrics.h"

#include <cmath>
#include <limits>

#include "backends/python/stub_messages.h"
#include "core/logging.h"

namespace inferd {
namespace {

// JSON has no NaN or infinities; the protocol spells them as strings.
bool ReadNumber(const rapidjson::Value* value, double* out) {
  if (!value) return false;
  if (value->IsNumber()) {
    *out = value->GetDouble();
    return true;
  }
  if (!value->IsString()) return false;
  std::string text = value->GetString();
  if (text == "NaN") {
    *out = std::numeric_limits<double>::quiet_NaN();
  } else if (text == "+Inf" || text == "Inf") {
    *out = std::numeric_limits<double>::infinity();
  } else if (text == "-Inf") {
    *out = -std::numeric_limits<double>::infinity();
  } else {
    return false;
  }
  return true;
}

void WriteNumber(double value, JsonWriter* w) {
  if (std::isnan(value)) {
    w->String("NaN");
  } else if (std::isinf(value)) {
    w->String(value > 0 ? "+Inf" : "-Inf");
  } else {
    w->Double(value);
  }
}

bool ReadKind(const std::string& name, CustomMetricKind* kind) {
  if (name == "COUNTER") {
    *kind = CustomMetricKind::kCounter;
  } else if (name == "GAUGE") {
    *kind = CustomMetricKind::kGauge;
  } else if (name == "HISTOGRAM") {
    *kind = CustomMetricKind::kHistogram;
  } else {
    return false;
  }
  return true;
}

std::string Result(uint64_t request_id, const Status& status, const double* value) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("type");
  w.String("metric_result");
  w.Key("request_id");
  w.Uint64(request_id);
  w.Key("ok");
  w.Bool(status.ok());
  w.Key("message");
  w.String(status.message().c_str(), static_cast<rapidjson::SizeType>(status.message().size()));
  if (value) {
    w.Key("value");
    WriteNumber(*value, &w);
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

StubMetrics::StubMetrics(CustomMetricRegistry* registry) : registry_(registry) {}

std::optional<std::string> StubMetrics::Handle(const rapidjson::Value& header) {
  std::string op = JsonString(header, "op");
  const rapidjson::Value* id = JsonMember(header, "request_id");
  uint64_t request_id = id && id->IsUint64() ? id->GetUint64() : 0;
  if (op == "increment" || op == "set" || op == "observe") {
    // The stub checked the kind and the value before sending; what fails
    // here is a protocol error, which has nobody to answer to.
    Status status = Update(op, header);
    if (!status.ok()) LOG_VERBOSE(1) << "custom metric " << op << " failed: " << status.message();
    return std::nullopt;
  }
  Status status;
  if (!registry_) {
    status = Status::Unavailable("custom metrics are not available");
  } else if (op == "family") {
    status = AddFamily(header);
  } else if (op == "create") {
    status = AddMetric(header);
  } else if (op == "value") {
    std::shared_ptr<CustomMetric> metric;
    double value = 0;
    status = Find(header, &metric);
    if (status.ok()) status = metric->Value(&value);
    if (status.ok()) return Result(request_id, status, &value);
  } else {
    status = Status::InvalidArg("unknown metric operation '" + op + "'");
  }
  return Result(request_id, status, nullptr);
}

Status StubMetrics::AddFamily(const rapidjson::Value& header) {
  std::string name = JsonString(header, "name");
  CustomMetricKind kind;
  if (!ReadKind(JsonString(header, "kind"), &kind)) {
    return Status::InvalidArg("unknown metric kind '" + JsonString(header, "kind") + "'");
  }
  std::shared_ptr<CustomMetricFamily> family;
  INFERD_RETURN_IF_ERROR(registry_->AddFamily(name, JsonString(header, "description"), kind, &family));
  std::lock_guard<std::mutex> lock(mutex_);
  families_[name] = std::move(family);
  return Status::Ok();
}

Status StubMetrics::AddMetric(const rapidjson::Value& header) {
  const rapidjson::Value* id = JsonMember(header, "metric_id");
  if (!id || !id->IsUint64()) return Status::InvalidArg("metric create without a metric_id");
  std::string family_name = JsonString(header, "family");
  CustomMetricLabels labels;
  if (const rapidjson::Value* object = JsonMember(header, "labels"); object && object->IsObject()) {
    for (const auto& member : object->GetObject()) {
      if (!member.value.IsString()) return Status::InvalidArg("metric label values must be strings");
      labels[member.name.GetString()] = member.value.GetString();
    }
  }
  std::vector<double> buckets;
  if (const rapidjson::Value* array = JsonMember(header, "buckets"); array && array->IsArray()) {
    for (const auto& bound : array->GetArray()) {
      double value;
      if (!ReadNumber(&bound, &value)) return Status::InvalidArg("histogram buckets must be numbers");
      buckets.push_back(value);
    }
  }
  std::shared_ptr<CustomMetricFamily> family;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = families_.find(family_name);
    if (found == families_.end()) return Status::InvalidArg("unknown metric family '" + family_name + "'");
    family = found->second;
  }
  std::shared_ptr<CustomMetric> metric;
  INFERD_RETURN_IF_ERROR(family->AddMetric(labels, buckets, &metric));
  std::lock_guard<std::mutex> lock(mutex_);
  metrics_[id->GetUint64()] = std::move(metric);
  return Status::Ok();
}

Status StubMetrics::Find(const rapidjson::Value& header, std::shared_ptr<CustomMetric>* metric) {
  const rapidjson::Value* id = JsonMember(header, "metric_id");
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = id && id->IsUint64() ? metrics_.find(id->GetUint64()) : metrics_.end();
  if (found == metrics_.end()) return Status::InvalidArg("unknown metric id");
  *metric = found->second;
  return Status::Ok();
}

Status StubMetrics::Update(const std::string& op, const rapidjson::Value& header) {
  std::shared_ptr<CustomMetric> metric;
  INFERD_RETURN_IF_ERROR(Find(header, &metric));
  double value;
  if (!ReadNumber(JsonMember(header, "value"), &value)) return Status::InvalidArg("metric " + op + " without a value");
  if (op == "increment") return metric->Increment(value);
  if (op == "set") return metric->Set(value);
  return metric->Observe(value);
}

}  // namespace inferd
