#include "perf/load_range.h"

#include <cmath>
#include <cstdlib>

namespace inferd::perf {
namespace {

bool ParseNumber(const std::string& text, bool integer, double* value) {
  if (text.empty()) return false;
  char* end = nullptr;
  double parsed = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(parsed)) return false;
  if (integer && parsed != std::floor(parsed)) return false;
  *value = parsed;
  return true;
}

std::vector<std::string> SplitColons(const std::string& text) {
  std::vector<std::string> parts;
  size_t begin = 0;
  while (true) {
    size_t colon = text.find(':', begin);
    parts.push_back(text.substr(begin, colon - begin));
    if (colon == std::string::npos) return parts;
    begin = colon + 1;
  }
}

}  // namespace

std::vector<double> LoadRange::Levels() const {
  std::vector<double> levels;
  // A small tolerance keeps "0.1:0.3:0.1" from losing its last level to rounding.
  const double limit = end * (1 + 1e-9);
  for (double level = start; level <= limit; level = multiplicative ? level * step : level + step) {
    levels.push_back(level);
  }
  return levels;
}

Status ParseLoadRange(const std::string& text, bool integers, LoadRange* range) {
  auto invalid = [&](const std::string& why) {
    return Status::Error("invalid range '" + text + "': " + why +
                         " (expected <start>[:<end>[:<step>]], step either a number or x<factor>)");
  };
  std::vector<std::string> parts = SplitColons(text);
  if (parts.size() > 3) return invalid("too many fields");
  LoadRange parsed;
  if (!ParseNumber(parts[0], integers, &parsed.start)) return invalid("bad start '" + parts[0] + "'");
  parsed.end = parsed.start;
  if (parts.size() >= 2 && !ParseNumber(parts[1], integers, &parsed.end)) {
    return invalid("bad end '" + parts[1] + "'");
  }
  if (parts.size() == 3) {
    std::string step = parts[2];
    if (!step.empty() && (step[0] == 'x' || step[0] == 'X')) {
      parsed.multiplicative = true;
      step = step.substr(1);
    }
    if (!ParseNumber(step, integers, &parsed.step)) {
      return invalid("bad step '" + parts[2] + "'");
    }
  }
  if (parsed.start <= 0) return invalid("start must be greater than 0");
  if (parsed.end < parsed.start) return invalid("end is smaller than start");
  if (parsed.multiplicative ? parsed.step <= 1 : parsed.step <= 0) {
    return invalid(parsed.multiplicative ? "a multiplicative step must be greater than 1"
                                         : "step must be greater than 0");
  }
  *range = parsed;
  return Status::Ok();
}

}  // namespace inferd::perf
