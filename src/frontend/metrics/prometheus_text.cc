#include "frontend/metrics/prometheus_text.h"

#include <charconv>
#include <cmath>

namespace inferd {
namespace {

// Label values escape backslash, double quote and newline; help text
// escapes backslash and newline only.
void AppendEscaped(std::string_view text, bool quote, std::string* out) {
  for (char c : text) {
    if (c == '\\') {
      *out += "\\\\";
    } else if (c == '\n') {
      *out += "\\n";
    } else if (quote && c == '"') {
      *out += "\\\"";
    } else {
      *out += c;
    }
  }
}

}  // namespace

std::string FormatMetricValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == 0) return "0";  // also -0
  char buffer[400];  // the longest fixed form of a double is about 330 characters
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value, std::chars_format::fixed);
  if (ec != std::errc()) return "NaN";
  return std::string(buffer, end);
}

void PrometheusText::Family(std::string_view name, std::string_view help, std::string_view type) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  AppendEscaped(help, false, &out_);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void PrometheusText::Series(std::string_view name, const MetricLabels& labels, const std::string* le) {
  out_ += name;
  if (!labels.empty() || le) {
    out_ += '{';
    bool first = true;
    auto label = [&](const std::string& key, const std::string& value) {
      if (!first) out_ += ',';
      first = false;
      out_ += key;
      out_ += "=\"";
      AppendEscaped(value, true, &out_);
      out_ += '"';
    };
    for (const auto& [key, value] : labels) label(key, value);
    if (le) label("le", *le);
    out_ += '}';
  }
  out_ += ' ';
}

void PrometheusText::Sample(std::string_view name, const MetricLabels& labels, double value) {
  Series(name, labels, nullptr);
  out_ += FormatMetricValue(value);
  out_ += '\n';
}

void PrometheusText::Sample(std::string_view name, const MetricLabels& labels, uint64_t value) {
  Series(name, labels, nullptr);
  out_ += std::to_string(value);
  out_ += '\n';
}

void PrometheusText::Histogram(std::string_view name, const MetricLabels& labels, const std::vector<double>& bounds,
                               const std::vector<uint64_t>& cumulative, uint64_t count, double sum) {
  std::string bucket = std::string(name) + "_bucket";
  for (size_t i = 0; i < bounds.size() && i < cumulative.size(); ++i) {
    std::string le = FormatMetricValue(bounds[i]);
    Series(bucket, labels, &le);
    out_ += std::to_string(cumulative[i]);
    out_ += '\n';
  }
  const std::string inf = "+Inf";
  Series(bucket, labels, &inf);
  out_ += std::to_string(count);
  out_ += '\n';
  Sample(std::string(name) + "_sum", labels, sum);
  Sample(std::string(name) + "_count", labels, count);
}

}  // namespace inferd
