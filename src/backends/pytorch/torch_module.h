// Loading a TorchScript module from model.pt, with clear errors.
//
// LoadModule reads the file with torch::jit::load on the CPU, puts the
// module in eval mode and, when asked, freezes it and runs libtorch's
// optimize_for_inference. ForwardArguments lists forward's arguments
// (self excluded). TorchMessage turns a libtorch exception into one useful
// line: the first line of the message, or for an error raised inside a
// scripted forward, the line naming the Python exception.
#pragma once

#include <exception>
#include <string>
#include <vector>

#include <torch/script.h>

#include "backends/backend.h"
#include "backends/pytorch/torch_names.h"

namespace inferd::pytorch {

// The model file: spec.model_path, or model.pt in the version directory.
Status ResolveModelFile(const ModelSpec& spec, std::string* file);

Status LoadModule(const std::string& model_name, const std::string& file, bool freeze_and_optimize,
                  torch::jit::Module* out);

Status ForwardArguments(const std::string& model_name, const torch::jit::Module& module,
                        std::vector<ForwardArgument>* out);

std::string TorchMessage(const std::exception& error);

}  // namespace inferd::pytorch
