#include "main/model_table.h"

#include <algorithm>
#include <array>

namespace inferd {
namespace {

using Row = std::array<std::string, 3>;

std::string Rule(const std::array<size_t, 3>& widths) {
  std::string line = "+";
  for (size_t w : widths) line += std::string(w + 2, '-') + "+";
  return line + "\n";
}

std::string Line(const Row& row, const std::array<size_t, 3>& widths) {
  std::string line = "|";
  for (size_t i = 0; i < row.size(); ++i) line += " " + row[i] + std::string(widths[i] - row[i].size(), ' ') + " |";
  return line + "\n";
}

std::string StatusText(ModelState state, const std::string& reason) {
  std::string text = ModelStateName(state);
  if (!reason.empty()) text += ": " + reason;
  return text;
}

}  // namespace

std::string FormatModelTable(const std::vector<ModelStatus>& models) {
  std::vector<Row> rows;
  for (const IndexRow& row : IndexRows(models, false)) {
    rows.push_back({row.name, row.version.empty() ? "-" : row.version, StatusText(row.state, row.reason)});
  }
  Row header = {"Model", "Version", "Status"};
  std::array<size_t, 3> widths{};
  for (const Row& row : rows) {
    for (size_t i = 0; i < 3; ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  for (size_t i = 0; i < 3; ++i) widths[i] = std::max(widths[i], header[i].size());
  std::string table = Rule(widths) + Line(header, widths) + Rule(widths);
  for (const Row& row : rows) table += Line(row, widths);
  return table + Rule(widths);
}

}  // namespace inferd
