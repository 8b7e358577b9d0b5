#include "frontend/api_restrictions.h"

#include <algorithm>
#include <iterator>
#include <utility>
#include <vector>

#include "core/ascii.h"

namespace inferd {
namespace {

constexpr std::pair<std::string_view, ApiCategory> kCategories[] = {
    {"health", ApiCategory::kHealth},
    {"metadata", ApiCategory::kMetadata},
    {"inference", ApiCategory::kInference},
    {"shared-memory", ApiCategory::kSharedMemory},
    {"model-config", ApiCategory::kModelConfig},
    {"model-repository", ApiCategory::kModelRepository},
    {"statistics", ApiCategory::kStatistics},
    {"trace", ApiCategory::kTrace},
    {"logging", ApiCategory::kLogging},
};

std::string CategoryNames() {
  std::string names;
  for (const auto& [name, category] : kCategories) names += (names.empty() ? "" : ", ") + std::string(name);
  return names;
}

}  // namespace

Status ApiRestrictions::Add(std::string_view flag, std::string_view spec) {
  auto invalid = [&](const std::string& why) {
    return Status::InvalidArg(std::string(flag) + " '" + std::string(spec) + "': " + why +
                              " (expected <category>[,<category>...]:<header>=<value>)");
  };
  size_t colon = spec.find(':');
  if (colon == std::string_view::npos) return invalid("no ':' before the header");
  std::string_view header_part = spec.substr(colon + 1);
  size_t equals = header_part.find('=');
  if (equals == std::string_view::npos) return invalid("no '=' between the header and its value");
  std::string header(header_part.substr(0, equals));
  ApiRestriction restriction{header, LowerAscii(header), std::string(header_part.substr(equals + 1))};
  if (restriction.header.empty()) return invalid("the header name is empty");

  std::vector<ApiCategory> categories;
  std::string_view names = spec.substr(0, colon);
  while (true) {
    size_t comma = names.find(',');
    std::string_view name = names.substr(0, comma);
    auto found = std::find_if(std::begin(kCategories), std::end(kCategories),
                              [&](const auto& entry) { return entry.first == name; });
    if (found == std::end(kCategories)) {
      return invalid("unknown category '" + std::string(name) + "'; the categories are " + CategoryNames());
    }
    if (restrictions_[static_cast<size_t>(found->second)]) {
      return invalid("category '" + std::string(name) + "' is already restricted");
    }
    categories.push_back(found->second);
    if (comma == std::string_view::npos) break;
    names.remove_prefix(comma + 1);
  }
  for (ApiCategory category : categories) restrictions_[static_cast<size_t>(category)] = restriction;
  return Status::Ok();
}

}  // namespace inferd
