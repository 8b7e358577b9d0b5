// PrometheusText: writes the Prometheus text exposition format (0.0.4).
//
// One `# HELP` and `# TYPE` header per family, then its samples, one per
// line: `name{label="value",...} number`. Numbers are plain decimals without
// an exponent, because perf_analyzer and other scrapers of Triton's endpoint
// match them with simple patterns.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace inferd {

using MetricLabels = std::map<std::string, std::string>;

// `value` as the exposition format writes it: shortest decimal that reads
// back the same, never an exponent; NaN, +Inf, -Inf by name.
std::string FormatMetricValue(double value);

class PrometheusText {
 public:
  // Starts a family; `type` is counter, gauge or histogram.
  void Family(std::string_view name, std::string_view help, std::string_view type);
  void Sample(std::string_view name, const MetricLabels& labels, double value);
  void Sample(std::string_view name, const MetricLabels& labels, uint64_t value);
  // The samples of one histogram series: `<name>_bucket` per bound (counts
  // cumulative, `cumulative[i]` observations <= `bounds[i]`) and +Inf, then
  // `<name>_sum` and `<name>_count`.
  void Histogram(std::string_view name, const MetricLabels& labels, const std::vector<double>& bounds,
                 const std::vector<uint64_t>& cumulative, uint64_t count, double sum);

  const std::string& text() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Series(std::string_view name, const MetricLabels& labels, const std::string* le);

  std::string out_;
};

}  // namespace inferd
