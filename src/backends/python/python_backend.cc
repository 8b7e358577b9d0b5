#include "backends/python/python_backend.h"

#include <google/protobuf/util/json_util.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <filesystem>
#include <future>

#include "backends/python/python_instance.h"
#include "backends/python/shm_segment.h"
#include "backends/python/stub_messages.h"
#include "config/config_json.h"
#include "core/logging.h"

#ifndef INFERD_PYTHON_STUB_PATH
#define INFERD_PYTHON_STUB_PATH ""
#endif
#ifndef INFERD_PYTHON_DIR
#define INFERD_PYTHON_DIR ""
#endif

namespace inferd {
namespace {

namespace fs = std::filesystem;

// The stub next to the running server, when the build did not say where it is.
std::string DefaultStubPath() {
  if (*INFERD_PYTHON_STUB_PATH) return INFERD_PYTHON_STUB_PATH;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return (self.parent_path() / "inferd_python_stub").string();
}

Status ParseSeconds(const BackendSettings& settings, const std::string& key, std::chrono::seconds* out) {
  auto it = settings.find(key);
  if (it == settings.end()) return Status::Ok();
  char* end = nullptr;
  long value = std::strtol(it->second.c_str(), &end, 10);
  if (it->second.empty() || *end != '\0' || value < 0) {
    return Status::InvalidArg("python backend setting '" + key + "' must be a whole number of seconds, got '" +
                              it->second + "'");
  }
  *out = std::chrono::seconds(value);
  return Status::Ok();
}

// Copies from what auto_complete_config returned only what Triton accepts
// from it (Triton's Python backend API).
void MergeAutoCompleted(const inference::ModelConfig& completed, inference::ModelConfig* config) {
  bool had_scheduler = config->scheduling_choice_case() != inference::ModelConfig::SCHEDULING_CHOICE_NOT_SET;
  config->set_max_batch_size(completed.max_batch_size());
  *config->mutable_input() = completed.input();
  *config->mutable_output() = completed.output();
  if (!had_scheduler && completed.has_dynamic_batching()) {
    *config->mutable_dynamic_batching() = completed.dynamic_batching();
  }
  if (!had_scheduler && completed.has_sequence_batching()) {
    *config->mutable_sequence_batching() = completed.sequence_batching();
  }
  if (completed.has_model_transaction_policy()) {
    *config->mutable_model_transaction_policy() = completed.model_transaction_policy();
  }
}

class PythonBackend : public Backend {
 public:
  PythonBackend(PythonSettings settings, const PythonServices* services)
      : settings_(std::move(settings)), services_(services) {}

  std::string_view name() const override { return "python"; }

  Status AutoCompleteConfig(const ModelSpec& spec, inference::ModelConfig* config) override {
    if (!fs::exists(spec.model_path)) return Status::Ok();  // the load reports the missing file
    static std::atomic<int> counter{0};
    std::string prefix = ServerSegmentPrefix() + "ac" + std::to_string(counter++);
    std::shared_ptr<StubProcess> stub;
    {
      std::unique_ptr<StubProcess> started;
      INFERD_RETURN_IF_ERROR(StubProcess::Start({settings_.stub_path, settings_.python_dir, prefix}, &started));
      stub = std::move(started);
    }
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    w.StartObject();
    w.Key("type");
    w.String("auto_complete");
    w.Key("model_path");
    w.String(spec.model_path.c_str());
    w.Key("model_dir");
    w.String(spec.model_dir.c_str());
    w.Key("version_dir");
    w.String(spec.version_dir.c_str());
    w.Key("config");
    std::string config_json = ModelConfigToJson(*config);
    w.String(config_json.c_str(), static_cast<rapidjson::SizeType>(config_json.size()));
    w.EndObject();
    Status status = stub->channel().Send(buffer.GetString());
    // Logs may come first; the answer is auto_complete_done or error.
    auto answer = std::async(std::launch::async, [stub]() -> std::pair<Status, rapidjson::Document> {
      for (;;) {
        Frame frame;
        Status received = stub->channel().Receive(&frame);
        if (!received.ok()) return {received, rapidjson::Document()};
        rapidjson::Document header;
        header.Parse(frame.header.c_str());
        std::string type = JsonString(header, "type");
        if (type == "log") {
          LOG_INFO << JsonString(header, "message");
          continue;
        }
        if (type == "auto_complete_done" || type == "error") return {Status::Ok(), std::move(header)};
      }
    });
    if (status.ok() && answer.wait_for(settings_.stub_timeout) != std::future_status::ready) {
      status = Status::Unavailable("auto_complete_config did not finish within " +
                                   std::to_string(settings_.stub_timeout.count()) + " s");
    }
    if (!status.ok()) {
      stub->Kill();
      answer.wait();
      UnlinkSegmentsWithPrefix(prefix);
      return status;
    }
    auto [received, header] = answer.get();
    stub->channel().Shutdown();  // the stub exits when its socket closes
    stub->Stop(std::chrono::seconds(5));
    UnlinkSegmentsWithPrefix(prefix);
    if (!received.ok()) return Status::Internal("the Python stub ended during auto_complete_config: " + stub->ExitDescription());
    if (JsonString(header, "type") == "error") {
      return Status::InvalidArg("model.py of model '" + spec.model_name + "' failed during auto-complete: " +
                                JsonString(header, "message"));
    }
    inference::ModelConfig completed;
    google::protobuf::util::JsonParseOptions options;
    options.case_insensitive_enum_parsing = true;
    auto parsed = google::protobuf::util::JsonStringToMessage(JsonString(header, "config"), &completed, options);
    if (!parsed.ok()) {
      return Status::InvalidArg("auto_complete_config of model '" + spec.model_name +
                                "' returned a configuration that does not parse: " + parsed.ToString());
    }
    MergeAutoCompleted(completed, config);
    return Status::Ok();
  }

  Status CreateInstance(const ModelSpec& spec, const InstanceSpec& instance,
                        std::unique_ptr<ModelInstance>* out) override {
    INFERD_RETURN_IF_ERROR(CheckCpuInstance(spec, instance));
    if (spec.config->parameters().count("EXECUTION_ENV_PATH")) {
      return Status::Unsupported(
          "model '" + spec.model_name +
          "': parameter EXECUTION_ENV_PATH (custom Python environments) is not supported; inferd runs model.py "
          "with the server's Python 3.11 and its packages");
    }
    std::unique_ptr<PythonInstance> created;
    INFERD_RETURN_IF_ERROR(PythonInstance::Create(settings_, services_, spec, instance, &created));
    *out = std::move(created);
    return Status::Ok();
  }

  // Stubs do not notice the server's exit while they execute, so they are
  // killed; the segments they or the server made would stay in /dev/shm.
  void Abort() override {
    KillAllStubs();
    UnlinkSegmentsWithPrefix(ServerSegmentPrefix());
  }

 private:
  PythonSettings settings_;
  const PythonServices* services_;
};

}  // namespace

Status CreatePythonBackend(const BackendSettings& settings, const PythonServices* services,
                           std::unique_ptr<Backend>* out) {
  PythonSettings parsed;
  auto get = [&](const char* key, const std::string& fallback) {
    auto it = settings.find(key);
    return it == settings.end() ? fallback : it->second;
  };
  parsed.stub_path = get("stub-path", DefaultStubPath());
  parsed.python_dir = get("python-dir", INFERD_PYTHON_DIR);
  INFERD_RETURN_IF_ERROR(ParseSeconds(settings, "stub-timeout-seconds", &parsed.stub_timeout));
  INFERD_RETURN_IF_ERROR(ParseSeconds(settings, "execute-timeout-seconds", &parsed.execute_timeout));
  if (auto it = settings.find("shm-default-byte-size"); it != settings.end()) {
    char* end = nullptr;
    unsigned long long value = std::strtoull(it->second.c_str(), &end, 10);
    if (it->second.empty() || *end != '\0' || value == 0) {
      return Status::InvalidArg("python backend setting 'shm-default-byte-size' must be a positive number of "
                                "bytes, got '" + it->second + "'");
    }
    parsed.shm_default_byte_size = value;
  }
  if (parsed.python_dir.empty() || !fs::exists(parsed.python_dir + "/triton_python_backend_utils.py")) {
    return Status::Unavailable("the Python backend's module folder '" + parsed.python_dir +
                               "' has no triton_python_backend_utils.py (set --backend-config=python,python-dir=...)");
  }
  std::vector<std::string> removed = UnlinkSegmentsOfExitedServers();
  if (!removed.empty()) {
    LOG_WARNING << "removed " << removed.size() << " shared memory segment(s) left in /dev/shm by inferd processes "
                << "that no longer run, e.g. /dev/shm/" << removed.front();
  }
  *out = std::make_unique<PythonBackend>(std::move(parsed), services);
  return Status::Ok();
}

}  // namespace inferd
