#include "core/custom_metrics.h"

#include <algorithm>
#include <cmath>

namespace inferd {
namespace {

bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Prometheus: metric names [a-zA-Z_:][a-zA-Z0-9_:]*, label names
// [a-zA-Z_][a-zA-Z0-9_]*; names starting with "__" are reserved.
bool ValidName(const std::string& name, bool allow_colon) {
  if (name.empty() || name.rfind("__", 0) == 0) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = IsLetter(c) || c == '_' || (allow_colon && c == ':') || (i > 0 && IsDigit(c));
    if (!ok) return false;
  }
  return true;
}

Status Unsupported(CustomMetricKind kind, const char* operation) {
  return Status::Unsupported(std::string("a ") + CustomMetricKindName(kind) + " metric does not support " + operation);
}

}  // namespace

const char* CustomMetricKindName(CustomMetricKind kind) {
  switch (kind) {
    case CustomMetricKind::kCounter: return "counter";
    case CustomMetricKind::kGauge: return "gauge";
    case CustomMetricKind::kHistogram: return "histogram";
  }
  return "untyped";
}

CustomMetric::CustomMetric(std::shared_ptr<CustomMetricFamily> family, CustomMetricLabels labels,
                           std::vector<double> bounds)
    : family_(std::move(family)), labels_(std::move(labels)), bounds_(std::move(bounds)),
      bucket_counts_(bounds_.size(), 0) {}

CustomMetricKind CustomMetric::kind() const { return family_->kind(); }

Status CustomMetric::Increment(double value) {
  if (kind() == CustomMetricKind::kHistogram) return Unsupported(kind(), "increment");
  if (kind() == CustomMetricKind::kCounter && value < 0) {
    return Status::InvalidArg("a counter can only be incremented by non-negative values, got " +
                              std::to_string(value));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  value_ += value;
  return Status::Ok();
}

Status CustomMetric::Set(double value) {
  if (kind() != CustomMetricKind::kGauge) return Unsupported(kind(), "set");
  std::lock_guard<std::mutex> lock(mutex_);
  value_ = value;
  return Status::Ok();
}

Status CustomMetric::Observe(double value) {
  if (kind() != CustomMetricKind::kHistogram) return Unsupported(kind(), "observe");
  // The first bucket whose upper bound holds the value; past the last: +Inf only.
  size_t bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  std::lock_guard<std::mutex> lock(mutex_);
  if (bucket < bucket_counts_.size()) ++bucket_counts_[bucket];
  ++count_;
  sum_ += value;
  return Status::Ok();
}

Status CustomMetric::Value(double* value) const {
  if (kind() == CustomMetricKind::kHistogram) return Unsupported(kind(), "value");
  std::lock_guard<std::mutex> lock(mutex_);
  *value = value_;
  return Status::Ok();
}

CustomSeriesSnapshot CustomMetric::Snapshot() const {
  CustomSeriesSnapshot snapshot;
  snapshot.labels = labels_;
  snapshot.bounds = bounds_;
  std::lock_guard<std::mutex> lock(mutex_);
  snapshot.value = value_;
  snapshot.count = count_;
  snapshot.sum = sum_;
  uint64_t running = 0;
  for (uint64_t count : bucket_counts_) snapshot.cumulative.push_back(running += count);
  return snapshot;
}

CustomMetricFamily::CustomMetricFamily(std::string name, std::string help, CustomMetricKind kind)
    : name_(std::move(name)), help_(std::move(help)), kind_(kind) {}

Status CustomMetricFamily::AddMetric(const CustomMetricLabels& labels, const std::vector<double>& buckets,
                                     std::shared_ptr<CustomMetric>* out) {
  for (const auto& [key, value] : labels) {
    if (!ValidName(key, false)) {
      return Status::InvalidArg("invalid label name '" + key + "' for metric '" + name_ +
                                "': label names match [a-zA-Z_][a-zA-Z0-9_]* and do not start with '__'");
    }
  }
  if (kind_ == CustomMetricKind::kHistogram) {
    if (buckets.empty()) return Status::InvalidArg("histogram metric '" + name_ + "' needs buckets");
    for (size_t i = 0; i < buckets.size(); ++i) {
      if (!std::isfinite(buckets[i]) || (i > 0 && buckets[i] <= buckets[i - 1])) {
        return Status::InvalidArg("the buckets of histogram metric '" + name_ +
                                  "' must be finite and strictly increasing");
      }
    }
  } else if (!buckets.empty()) {
    return Status::InvalidArg(std::string("buckets are only for histograms; metric '") + name_ + "' is a " +
                              CustomMetricKindName(kind_));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  std::weak_ptr<CustomMetric>& slot = series_[labels];
  *out = slot.lock();
  if (*out) return Status::Ok();
  out->reset(new CustomMetric(shared_from_this(), labels, buckets));
  slot = *out;
  return Status::Ok();
}

std::vector<CustomSeriesSnapshot> CustomMetricFamily::Snapshot() {
  std::vector<std::shared_ptr<CustomMetric>> live;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = series_.begin(); it != series_.end();) {
      if (auto series = it->second.lock()) {
        live.push_back(std::move(series));
        ++it;
      } else {
        it = series_.erase(it);
      }
    }
  }
  std::vector<CustomSeriesSnapshot> snapshots;
  snapshots.reserve(live.size());
  for (const auto& series : live) snapshots.push_back(series->Snapshot());
  return snapshots;
}

CustomMetricRegistry::CustomMetricRegistry(std::set<std::string> reserved_names)
    : reserved_names_(std::move(reserved_names)) {}

Status CustomMetricRegistry::AddFamily(const std::string& name, const std::string& help, CustomMetricKind kind,
                                       std::shared_ptr<CustomMetricFamily>* out) {
  if (!ValidName(name, true)) {
    return Status::InvalidArg("invalid metric family name '" + name +
                              "': names match [a-zA-Z_:][a-zA-Z0-9_:]* and do not start with '__'");
  }
  if (reserved_names_.count(name)) {
    return Status::InvalidArg("metric family name '" + name + "' is taken by one of the server's own metrics");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = families_.begin(); it != families_.end();) {
    it = it->second.expired() ? families_.erase(it) : std::next(it);
  }
  std::weak_ptr<CustomMetricFamily>& slot = families_[name];
  std::shared_ptr<CustomMetricFamily> existing = slot.lock();
  if (existing && existing->kind() != kind) {
    return Status::InvalidArg("metric family '" + name + "' already exists as a " +
                              CustomMetricKindName(existing->kind()) + ", not a " + CustomMetricKindName(kind));
  }
  if (!existing) {
    existing = std::make_shared<CustomMetricFamily>(name, help, kind);
    slot = existing;
  }
  *out = std::move(existing);
  return Status::Ok();
}

std::vector<CustomFamilySnapshot> CustomMetricRegistry::Snapshot() const {
  std::vector<std::shared_ptr<CustomMetricFamily>> live;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [name, family] : families_) {
      if (auto held = family.lock()) live.push_back(std::move(held));
    }
  }
  std::vector<CustomFamilySnapshot> snapshots;
  for (const auto& family : live) {
    CustomFamilySnapshot snapshot{family->name(), family->help(), family->kind(), family->Snapshot()};
    if (!snapshot.series.empty()) snapshots.push_back(std::move(snapshot));
  }
  return snapshots;
}

}  // namespace inferd
