#include "backends/pytorch/torch_module.h"
#include "backends/model_file.h"

#include <filesystem>
#include <sstream>

namespace inferd::pytorch {
namespace {

constexpr const char* kDefaultFileName = "model.pt";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  std::string line;
  while (std::getline(stream, line)) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) lines.push_back(line);
  }
  return lines;
}

std::string Trim(const std::string& line) {
  const size_t begin = line.find_first_not_of(" \t\r");
  const size_t end = line.find_last_not_of(" \t\r");
  return begin == std::string::npos ? "" : line.substr(begin, end - begin + 1);
}

}  // namespace

Status ResolveModelFile(const ModelSpec& spec, std::string* file) {
  return inferd::ResolveModelFile(spec, kDefaultFileName, "TorchScript", file);
}

std::string TorchMessage(const std::exception& error) {
  std::string text;
  if (const auto* c10_error = dynamic_cast<const c10::Error*>(&error)) {
    text = c10_error->what_without_backtrace();
  } else {
    text = error.what();
  }
  const std::vector<std::string> lines = Lines(text);
  if (lines.empty()) return "unknown libtorch error";
  // An exception raised in a scripted forward comes with a TorchScript
  // traceback; its last line names the Python exception and its message.
  if (text.find("Traceback of TorchScript") != std::string::npos) return Trim(lines.back());
  return Trim(lines.front());
}

Status LoadModule(const std::string& model_name, const std::string& file, bool freeze_and_optimize,
                  torch::jit::Module* out) {
  try {
    torch::jit::Module module = torch::jit::load(file, torch::kCPU);
    module.eval();
    if (freeze_and_optimize) {
      module = torch::jit::freeze(module);
      module = torch::jit::optimize_for_inference(module);
    }
    *out = std::move(module);
  } catch (const std::exception& error) {
    return Status::InvalidArg("model '" + model_name + "': cannot load TorchScript file '" + file +
                              "': " + TorchMessage(error));
  }
  return Status::Ok();
}

Status ForwardArguments(const std::string& model_name, const torch::jit::Module& module,
                        std::vector<ForwardArgument>* out) {
  auto method = module.find_method("forward");
  if (!method) {
    return Status::InvalidArg("model '" + model_name + "': the TorchScript module has no forward method");
  }
  const auto& arguments = method->function().getSchema().arguments();
  std::vector<ForwardArgument> result;
  for (size_t i = 1; i < arguments.size(); ++i) {  // 0 is self
    result.push_back({arguments[i].name(), arguments[i].default_value().has_value()});
  }
  *out = std::move(result);
  return Status::Ok();
}

}  // namespace inferd::pytorch
