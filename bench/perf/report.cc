#include "perf/report.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace inferd::perf {
namespace {

std::string LevelText(double level, LoadMode mode) {
  char text[32];
  if (mode == LoadMode::kConcurrency || level == std::floor(level)) {
    std::snprintf(text, sizeof(text), "%.0f", level);
  } else {
    std::snprintf(text, sizeof(text), "%g", level);
  }
  return text;
}

std::string Fixed(double value, int decimals) {
  char text[48];
  std::snprintf(text, sizeof(text), "%.*f", decimals, value);
  return text;
}

std::string Us(double value) { return Fixed(value, 0); }

}  // namespace

ReportRow MakeRow(const LevelResult& result) {
  const WindowSummary& s = result.summary;
  ReportRow row;
  row.level = result.level;
  row.inferences_per_second = s.inferences_per_second;
  row.client_send_us = s.client_send_us;
  row.client_recv_us = s.client_recv_us;
  row.p50_us = s.p50_latency_us;
  row.p90_us = s.p90_latency_us;
  row.p95_us = s.p95_latency_us;
  row.p99_us = s.p99_latency_us;
  row.avg_us = s.avg_latency_us;
  row.requests = s.requests;
  row.errors = s.errors;
  row.late_sends = s.late_sends;
  row.dropped_sends = s.dropped_sends;
  row.windows = result.trials;
  row.stable = result.stable;
  row.has_server_stats = result.has_server_stats;
  double server_us = 0;
  if (result.has_server_stats) {
    ServerAverages server = Averages(result.server);
    row.server_queue_us = server.queue_us;
    row.server_compute_input_us = server.compute_input_us;
    row.server_compute_infer_us = server.compute_infer_us;
    row.server_compute_output_us = server.compute_output_us;
    server_us = server.queue_us + server.compute_input_us + server.compute_infer_us + server.compute_output_us;
  }
  if (s.requests > 0) {
    row.network_server_us = std::max(0.0, s.avg_latency_us - s.client_send_us - s.client_recv_us - server_us);
  }
  return row;
}

std::string TableReport(const std::vector<ReportRow>& rows, LoadMode mode) {
  const bool rate = mode == LoadMode::kRequestRate;
  std::vector<std::string> header = {rate ? "Request rate" : "Concurrency", "Infer/s", "Client send", "Net+server",
                                     "Server queue", "Compute input", "Compute infer", "Compute output",
                                     "Client recv", "p50", "p90", "p95", "p99", "Avg"};
  if (rate) header.insert(header.end(), {"Late", "Dropped"});
  std::vector<std::vector<std::string>> cells = {header};
  bool unstable = false, no_stats = false;
  for (const ReportRow& row : rows) {
    std::string server_empty = "-";
    auto server = [&](double value) { return row.has_server_stats ? Us(value) : server_empty; };
    std::vector<std::string> line = {LevelText(row.level, mode) + (row.stable ? "" : "*"),
                                     Fixed(row.inferences_per_second, 1),
                                     Us(row.client_send_us),
                                     Us(row.network_server_us),
                                     server(row.server_queue_us),
                                     server(row.server_compute_input_us),
                                     server(row.server_compute_infer_us),
                                     server(row.server_compute_output_us),
                                     Us(row.client_recv_us),
                                     Us(row.p50_us),
                                     Us(row.p90_us),
                                     Us(row.p95_us),
                                     Us(row.p99_us),
                                     Us(row.avg_us)};
    if (rate) line.insert(line.end(), {std::to_string(row.late_sends), std::to_string(row.dropped_sends)});
    cells.push_back(std::move(line));
    unstable = unstable || !row.stable;
    no_stats = no_stats || !row.has_server_stats;
  }
  std::vector<size_t> widths(header.size(), 0);
  for (const auto& line : cells) {
    for (size_t c = 0; c < line.size(); ++c) widths[c] = std::max(widths[c], line[c].size());
  }
  std::string out;
  for (const auto& line : cells) {
    for (size_t c = 0; c < line.size(); ++c) {
      if (c) out += "  ";
      out += std::string(widths[c] - line[c].size(), ' ') + line[c];
    }
    out += "\n";
  }
  out += "Times in microseconds (average per request; p50..p99 and Avg are client-side latencies).\n";
  if (unstable) out += "* not stable within the measurement windows allowed (--max-trials).\n";
  if (no_stats) out += "- the server gave no statistics for this model.\n";
  return out;
}

std::string CsvReport(const std::vector<ReportRow>& rows, LoadMode mode) {
  std::string out = mode == LoadMode::kRequestRate ? "Request Rate" : "Concurrency";
  out +=
      ",Inferences/Second,Client Send,Network+Server Send/Recv,Server Queue,Server Compute Input,"
      "Server Compute Infer,Server Compute Output,Client Recv,p50 latency,p90 latency,p95 latency,p99 latency,"
      "Avg latency\n";
  for (const ReportRow& row : rows) {
    out += LevelText(row.level, mode) + "," + Fixed(row.inferences_per_second, 2);
    for (double value : {row.client_send_us, row.network_server_us, row.server_queue_us, row.server_compute_input_us,
                         row.server_compute_infer_us, row.server_compute_output_us, row.client_recv_us, row.p50_us,
                         row.p90_us, row.p95_us, row.p99_us, row.avg_us}) {
      out += "," + Us(value);
    }
    out += "\n";
  }
  return out;
}

std::string JsonReport(const RunDescription& run, const std::vector<ReportRow>& rows) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
  auto number = [&](const char* key, double value) {
    w.Key(key);
    w.Double(std::round(value * 1000) / 1000);
  };
  auto server = [&](const char* key, const ReportRow& row, double value) {
    w.Key(key);
    if (row.has_server_stats) {
      w.Double(std::round(value * 1000) / 1000);
    } else {
      w.Null();
    }
  };
  const bool rate = run.mode == LoadMode::kRequestRate;
  w.StartObject();
  w.Key("model");
  w.String(run.model.c_str());
  w.Key("version");
  w.String(run.version.c_str());
  w.Key("protocol");
  w.String(run.protocol.c_str());
  w.Key("url");
  w.String(run.url.c_str());
  w.Key("mode");
  w.String(rate ? "request_rate" : "concurrency");
  w.Key("batch_size");
  w.Int64(run.batch_size);
  w.Key("measurement_interval_ms");
  w.Int64(run.measurement_interval_ms);
  w.Key("results");
  w.StartArray();
  for (const ReportRow& row : rows) {
    w.StartObject();
    if (rate) {
      number("request_rate", row.level);
    } else {
      w.Key("concurrency");
      w.Int64(static_cast<int64_t>(row.level));
    }
    number("inferences_per_second", row.inferences_per_second);
    number("client_send_us", row.client_send_us);
    number("network_server_send_recv_us", row.network_server_us);
    server("server_queue_us", row, row.server_queue_us);
    server("server_compute_input_us", row, row.server_compute_input_us);
    server("server_compute_infer_us", row, row.server_compute_infer_us);
    server("server_compute_output_us", row, row.server_compute_output_us);
    number("client_recv_us", row.client_recv_us);
    number("p50_latency_us", row.p50_us);
    number("p90_latency_us", row.p90_us);
    number("p95_latency_us", row.p95_us);
    number("p99_latency_us", row.p99_us);
    number("avg_latency_us", row.avg_us);
    w.Key("requests");
    w.Int64(row.requests);
    w.Key("errors");
    w.Int64(row.errors);
    w.Key("late_sends");
    w.Int64(row.late_sends);
    w.Key("dropped_sends");
    w.Int64(row.dropped_sends);
    w.Key("windows");
    w.Int(row.windows);
    w.Key("stable");
    w.Bool(row.stable);
    w.EndObject();
  }
  w.EndArray();
  w.Key("error");
  if (run.error.empty()) {
    w.Null();
  } else {
    w.String(run.error.c_str());
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace inferd::perf
