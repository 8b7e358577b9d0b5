// StubMetrics: the server's side of one stub's `metric` messages (custom
// metrics defined by model.py through pb_utils.MetricFamily; PROTOCOL.md).
//
// Holds every family and series that stub created, by the names and ids the
// stub uses, so they stay on /metrics exactly as long as the stub: they go
// when the instance is finalized (its model unloaded, the server stopping) or
// the stub is replaced after a crash. Series with the same labels that other
// instances still hold stay, with their value.
//
// Thread-safe. Without a registry every request is answered with an error.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/custom_metrics.h"

namespace inferd {

class StubMetrics {
 public:
  explicit StubMetrics(CustomMetricRegistry* registry);

  // Handles one `metric` message; returns the header of the `metric_result`
  // to send back, or nothing for the updates the stub does not wait for.
  std::optional<std::string> Handle(const rapidjson::Value& header);

 private:
  Status AddFamily(const rapidjson::Value& header);
  Status AddMetric(const rapidjson::Value& header);
  Status Update(const std::string& op, const rapidjson::Value& header);
  Status Find(const rapidjson::Value& header, std::shared_ptr<CustomMetric>* metric);

  CustomMetricRegistry* registry_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<CustomMetricFamily>> families_;  // by name
  std::map<uint64_t, std::shared_ptr<CustomMetric>> metrics_;            // by the stub's id
};

}  // namespace inferd
