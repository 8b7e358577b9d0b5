// CustomMetricRegistry: metrics that models define themselves (a Python
// model's pb_utils.MetricFamily), exported on /metrics next to the server's.
//
// A family is a name, a help text and a kind (counter, gauge, histogram); its
// series are told apart by their labels. Both are shared by whoever created
// them, through shared_ptr: the Python backend holds what one stub created
// until that stub ends (the instance is finalized, its model unloaded, or the
// stub crashed). A series leaves the registry, and /metrics, when its last
// holder lets go; a family when its last series and holder have.
//
// As in Triton, creating a family that exists with the same kind returns it
// (its first help text stays), a different kind is an error; creating a
// series whose labels exist in the family returns that series, so instances
// of a model that use the same labels add to one value.
//
// Thread-safe: series are updated from Python instances' threads while the
// metrics endpoint takes snapshots.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"

namespace inferd {

enum class CustomMetricKind { kCounter, kGauge, kHistogram };
// "counter", "gauge", "histogram": the exposition format's type names.
const char* CustomMetricKindName(CustomMetricKind kind);

using CustomMetricLabels = std::map<std::string, std::string>;

struct CustomSeriesSnapshot {
  CustomMetricLabels labels;
  double value = 0;  // counters and gauges
  // Histograms: bucket bounds, cumulative counts per bound, count and sum.
  std::vector<double> bounds;
  std::vector<uint64_t> cumulative;
  uint64_t count = 0;
  double sum = 0;
};

struct CustomFamilySnapshot {
  std::string name;
  std::string help;
  CustomMetricKind kind = CustomMetricKind::kCounter;
  std::vector<CustomSeriesSnapshot> series;  // ordered by labels
};

class CustomMetricFamily;

// One series. Each operation fails (and changes nothing) when the kind does
// not support it.
class CustomMetric {
 public:
  CustomMetricKind kind() const;

  // Counters (value >= 0) and gauges (any value).
  Status Increment(double value);
  // Gauges.
  Status Set(double value);
  // Histograms.
  Status Observe(double value);
  // Counters and gauges.
  Status Value(double* value) const;

  CustomSeriesSnapshot Snapshot() const;

 private:
  friend class CustomMetricFamily;
  CustomMetric(std::shared_ptr<CustomMetricFamily> family, CustomMetricLabels labels, std::vector<double> bounds);

  const std::shared_ptr<CustomMetricFamily> family_;  // kept while the series exists
  const CustomMetricLabels labels_;
  const std::vector<double> bounds_;
  mutable std::mutex mutex_;
  double value_ = 0;
  std::vector<uint64_t> bucket_counts_;  // per bucket, not cumulative
  uint64_t count_ = 0;
  double sum_ = 0;
};

class CustomMetricFamily : public std::enable_shared_from_this<CustomMetricFamily> {
 public:
  CustomMetricFamily(std::string name, std::string help, CustomMetricKind kind);

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  CustomMetricKind kind() const { return kind_; }

  // The series with `labels`, created when new. Label names follow
  // Prometheus' rules. Histograms need strictly increasing `buckets` (upper
  // bounds; +Inf is implied); other kinds take none. An existing histogram
  // series keeps its buckets.
  Status AddMetric(const CustomMetricLabels& labels, const std::vector<double>& buckets,
                   std::shared_ptr<CustomMetric>* out);

  // The series still held by someone.
  std::vector<CustomSeriesSnapshot> Snapshot();

 private:
  const std::string name_;
  const std::string help_;
  const CustomMetricKind kind_;
  std::mutex mutex_;
  std::map<CustomMetricLabels, std::weak_ptr<CustomMetric>> series_;
};

class CustomMetricRegistry {
 public:
  // `reserved_names` are taken by the server's own metrics.
  explicit CustomMetricRegistry(std::set<std::string> reserved_names = {});

  // The family `name`, created when new. Names follow Prometheus' rules.
  Status AddFamily(const std::string& name, const std::string& help, CustomMetricKind kind,
                   std::shared_ptr<CustomMetricFamily>* out);

  // Every family that has series, ordered by name.
  std::vector<CustomFamilySnapshot> Snapshot() const;

 private:
  const std::set<std::string> reserved_names_;
  mutable std::mutex mutex_;
  std::map<std::string, std::weak_ptr<CustomMetricFamily>> families_;
};

}  // namespace inferd
