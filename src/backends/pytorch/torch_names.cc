#include "backends/pytorch/torch_names.h"

#include <charconv>
#include <set>

namespace inferd::pytorch {
namespace {

std::string ArgumentList(const std::vector<ForwardArgument>& arguments) {
  std::string list;
  for (const ForwardArgument& argument : arguments) {
    list += (list.empty() ? "" : ", ") + argument.name;
  }
  return list.empty() ? "none" : list;
}

}  // namespace

std::optional<size_t> ConventionIndex(const std::string& name) {
  const size_t separator = name.rfind("__");
  if (separator == std::string::npos || separator + 2 >= name.size()) return std::nullopt;
  const char* begin = name.data() + separator + 2;
  const char* end = name.data() + name.size();
  size_t index = 0;
  auto [ptr, error] = std::from_chars(begin, end, index);
  if (error != std::errc() || ptr != end) return std::nullopt;
  return index;
}

Status MapInputNames(const std::string& model_name, const std::vector<std::string>& names,
                     const std::vector<ForwardArgument>& arguments, std::vector<size_t>* positions) {
  bool convention = !names.empty();
  for (const std::string& name : names) convention &= ConventionIndex(name).has_value();

  std::vector<size_t> result;
  std::set<size_t> fed;
  for (const std::string& name : names) {
    size_t position = arguments.size();
    if (convention) {
      position = *ConventionIndex(name);
      if (position >= arguments.size()) {
        return Status::InvalidArg("model '" + model_name + "': input '" + name +
                                  "' names argument " + std::to_string(position) +
                                  " of forward, which takes " + std::to_string(arguments.size()) +
                                  " argument(s) (" + ArgumentList(arguments) + ")");
      }
    } else {
      for (size_t i = 0; i < arguments.size(); ++i) {
        if (arguments[i].name == name) position = i;
      }
      if (position == arguments.size()) {
        return Status::InvalidArg(
            "model '" + model_name + "': configuration input '" + name +
            "' matches no argument of the model's forward (arguments: " + ArgumentList(arguments) +
            "); name inputs like forward's arguments, or all of them <name>__<index> "
            "(INPUT__0, INPUT__1, ...)");
      }
    }
    if (!fed.insert(position).second) {
      return Status::InvalidArg("model '" + model_name + "': two configuration inputs feed forward's argument '" +
                                arguments[position].name + "'");
    }
    result.push_back(position);
  }
  for (size_t i = 0; i < arguments.size(); ++i) {
    if (fed.count(i) == 0 && !arguments[i].has_default) {
      return Status::InvalidArg("model '" + model_name + "': forward's argument '" +
                                arguments[i].name + "' (position " + std::to_string(i) +
                                ") is fed by no configuration input");
    }
  }
  *positions = std::move(result);
  return Status::Ok();
}

Status MapOutputNames(const std::string& model_name, const std::vector<std::string>& names,
                      std::vector<size_t>* positions) {
  std::vector<size_t> result;
  std::set<size_t> used;
  for (size_t i = 0; i < names.size(); ++i) {
    const size_t position = ConventionIndex(names[i]).value_or(i);
    if (!used.insert(position).second) {
      return Status::InvalidArg("model '" + model_name + "': output '" + names[i] +
                                "' reads element " + std::to_string(position) +
                                " of forward's result, which another output already reads");
    }
    result.push_back(position);
  }
  *positions = std::move(result);
  return Status::Ok();
}

}  // namespace inferd::pytorch
