#include "config/platform_resolver.h"

#include <algorithm>
#include <filesystem>
#include <vector>

namespace inferd {
namespace fs = std::filesystem;
namespace {

struct KnownBackend {
  const char* backend;
  std::vector<std::string> platforms;  // accepted platform strings; empty = must be empty
};

const std::vector<KnownBackend>& KnownBackends() {
  static const std::vector<KnownBackend> known = {
      {"onnxruntime", {"onnxruntime_onnx"}},
      {"pytorch", {"pytorch_libtorch", "libtorch", "torch_aoti"}},
      {"tensorrt", {"tensorrt_plan"}},
      {"tensorflow", {"tensorflow_savedmodel", "tensorflow_graphdef"}},
      {"python", {}},
      {"openvino", {}},
  };
  return known;
}

std::string FirstSubdirectory(const std::string& model_dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(model_dir, ec)) {
    if (entry.is_directory(ec)) names.push_back(entry.path().filename().string());
  }
  if (names.empty()) return "";
  return *std::min_element(names.begin(), names.end());
}

}  // namespace

std::string DefaultModelFilename(const std::string& backend, const std::string& platform) {
  if (platform == "tensorflow_savedmodel") return "model.savedmodel";
  if (platform == "tensorflow_graphdef") return "model.graphdef";
  if (platform == "torch_aoti") return "model.pt2";
  if (backend == "onnxruntime") return "model.onnx";
  if (backend == "pytorch") return "model.pt";
  if (backend == "tensorrt") return "model.plan";
  if (backend == "openvino") return "model.xml";
  if (backend == "python") return "model.py";
  if (backend.empty()) return "";
  return "model." + backend;
}

Status ResolvePlatformAndBackend(const std::string& model_dir, inference::ModelConfig* config) {
  std::string& platform = *config->mutable_platform();
  std::string& backend = *config->mutable_backend();
  const std::string& filename = config->default_model_filename();
  const std::string version_dir = model_dir + "/" + FirstSubdirectory(model_dir);
  auto exists = [&](const char* name) { return fs::exists(version_dir + "/" + name); };
  auto is_dir = [&](const char* name) { return fs::is_directory(version_dir + "/" + name); };
  const bool nothing_set = platform.empty() && backend.empty() && filename.empty();

  if (platform == "ensemble") {
    if (!backend.empty() && backend != "ensemble") {
      return Status::InvalidArg("ensemble models must not set 'backend', got '" + backend + "'");
    }
    backend.clear();  // the walkthrough's configs write backend: "ensemble"
    return Status::Ok();
  }
  if (platform.empty() && backend == "ensemble") {
    platform = "ensemble";
    backend.clear();
    return Status::Ok();
  }

  if (platform.empty() && (backend.empty() || backend == "tensorflow")) {
    if (filename == "model.savedmodel" || (filename.empty() && is_dir("model.savedmodel"))) {
      platform = "tensorflow_savedmodel";
    } else if (filename == "model.graphdef" ||
               (filename.empty() && exists("model.graphdef") && !is_dir("model.graphdef"))) {
      platform = "tensorflow_graphdef";
    }
    if (!platform.empty()) backend = "tensorflow";
  }
  if (backend.empty() && (platform == "tensorrt_plan" || filename == "model.plan" ||
                          (nothing_set && exists("model.plan")))) {
    backend = "tensorrt";
  }
  if (backend.empty() && (platform == "onnxruntime_onnx" || filename == "model.onnx" ||
                          (nothing_set && exists("model.onnx")))) {
    backend = "onnxruntime";
  }
  if (backend.empty() && (filename == "model.xml" || (nothing_set && exists("model.xml")))) {
    backend = "openvino";
  }
  if (backend.empty()) {
    if (platform == "pytorch_libtorch" || platform == "libtorch" || platform == "torch_aoti" ||
        filename == "model.pt" || filename == "model.pt2") {
      backend = "pytorch";
    } else if (nothing_set && exists("model.pt")) {
      backend = "pytorch";
      platform = "pytorch_libtorch";
    } else if (nothing_set && exists("model.pt2")) {
      backend = "pytorch";
      platform = "torch_aoti";
    }
  }
  if (backend.empty() && (filename == "model.py" || (nothing_set && exists("model.py")))) {
    backend = "python";
  }
  if (backend.empty() && nothing_set) {
    // Last resort: a folder named "<name>.<backend>".
    std::string dir_name = fs::path(model_dir).filename().string();
    auto dot = dir_name.rfind('.');
    if (dot != std::string::npos && dot + 1 < dir_name.size()) backend = dir_name.substr(dot + 1);
  }
  if (backend.empty()) {
    return Status::InvalidArg(
        "unable to determine the backend: set 'backend' or 'platform' in config.pbtxt, or put a "
        "model file the server recognises (model.onnx, model.pt, model.py, ...) in '" +
        version_dir + "'");
  }

  // Fill the platform a known backend implies, then check the pair agrees.
  for (const auto& known : KnownBackends()) {
    if (backend != known.backend) continue;
    if (platform.empty() && !known.platforms.empty() && backend != "tensorflow") {
      platform = known.platforms.front();
    }
    bool agrees = known.platforms.empty()
                      ? platform.empty()
                      : std::find(known.platforms.begin(), known.platforms.end(), platform) !=
                            known.platforms.end();
    if (!agrees) {
      return Status::InvalidArg("backend '" + backend + "' does not match platform '" + platform +
                                "'");
    }
  }
  if (filename.empty()) config->set_default_model_filename(DefaultModelFilename(backend, platform));
  return Status::Ok();
}

}  // namespace inferd
