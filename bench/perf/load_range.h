// A sweep of load levels given as <start>:<end>:<step>.
//
// The step is added ("1:8:2" → 1, 3, 5, 7) or, written "x<factor>",
// multiplied ("1:32:x2" → 1, 2, 4, 8, 16, 32). "<start>" alone is one level;
// "<start>:<end>" steps by 1.
#pragma once

#include <string>
#include <vector>

#include "perf/status.h"

namespace inferd::perf {

struct LoadRange {
  double start = 1;
  double end = 1;
  double step = 1;
  bool multiplicative = false;

  // The levels from start to end (inclusive), in order.
  std::vector<double> Levels() const;
};

// `integers`: concurrency levels must be whole numbers; request rates need not.
Status ParseLoadRange(const std::string& text, bool integers, LoadRange* range);

}  // namespace inferd::perf
