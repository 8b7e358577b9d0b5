// Tensor naming rules for TorchScript models, as in Triton's PyTorch backend.
//
// TorchScript tensors have no names of their own, so configuration names are
// mapped to positions:
//   inputs  - when every configured input is named "<anything>__<index>"
//             (INPUT__0, INPUT__1, ...), <index> is the position among
//             forward's arguments; otherwise every input must be named like
//             one of forward's arguments (`def forward(self, x, mask)` ->
//             "x", "mask"). Arguments of forward that no input feeds must
//             have default values.
//   outputs - "<anything>__<index>" is element <index> of the tuple or list
//             forward returns (0 for a single tensor); an output named
//             otherwise takes its position in the configuration's list.
//
// Plain functions; no libtorch here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace inferd::pytorch {

// One argument of forward (self excluded).
struct ForwardArgument {
  std::string name;
  bool has_default = false;
};

// <index> of a "<name>__<index>" name; nullopt when the name does not follow
// the convention.
std::optional<size_t> ConventionIndex(const std::string& name);

// positions[i] is the forward argument that config input `names[i]` feeds.
// Fails with a message naming model, tensor and forward's arguments.
Status MapInputNames(const std::string& model_name, const std::vector<std::string>& names,
                     const std::vector<ForwardArgument>& arguments, std::vector<size_t>* positions);

// positions[i] is the element of forward's result that config output
// `names[i]` reads. Fails when two outputs read the same element.
Status MapOutputNames(const std::string& model_name, const std::vector<std::string>& names,
                      std::vector<size_t>* positions);

}  // namespace inferd::pytorch
