#include "backends/python/python_instance.h"

#include <atomic>
#include <unistd.h>

#include "backends/python/stub_messages.h"
#include "core/base64.h"
#include "config/config_json.h"
#include "core/logging.h"
#include "core/protocol_rules.h"

namespace inferd {
namespace {

// Request parameters the protocol reserves; the model sees them as
// correlation_id, flags and timeout instead of in parameters().
bool IsSchedulingParameter(const std::string& key) {
  return key == "sequence_id" || key == "sequence_start" || key == "sequence_end" || key == "priority" ||
         key == "timeout";
}

std::string UniqueShmPrefix() {
  static std::atomic<int> counter{0};
  return ServerSegmentPrefix() + "py" + std::to_string(counter++);
}

void WriteRequest(uint64_t handle, const InferenceRequest& request, const std::vector<std::string>& output_names,
                  TensorSink* sink, JsonWriter* w) {
  w->StartObject();
  w->Key("handle");
  w->Uint64(handle);
  w->Key("id");
  w->String(request.id.c_str());
  Parameters custom;
  uint64_t flags = 0, timeout = SchedulingParameter(request, "timeout");
  const ParameterValue* correlation = nullptr;
  for (const auto& [key, value] : request.parameters) {
    if (!IsSchedulingParameter(key)) {
      custom.emplace_back(key, value);
    } else if (key == "sequence_id") {
      correlation = &value;
    } else if ((key == "sequence_start" || key == "sequence_end") && std::holds_alternative<bool>(value) &&
               std::get<bool>(value)) {
      flags |= key == "sequence_start" ? 1 : 2;
    }
  }
  rapidjson::StringBuffer parameters;
  JsonWriter parameters_writer(parameters);
  WriteParameters(custom, &parameters_writer);
  w->Key("parameters");
  w->String(parameters.GetString(), static_cast<rapidjson::SizeType>(parameters.GetSize()));
  w->Key("correlation_id");
  if (correlation && std::holds_alternative<std::string>(*correlation)) {
    w->String(std::get<std::string>(*correlation).c_str());
  } else if (correlation && std::holds_alternative<int64_t>(*correlation)) {
    w->Int64(std::get<int64_t>(*correlation));
  } else if (correlation && std::holds_alternative<uint64_t>(*correlation)) {
    w->Uint64(std::get<uint64_t>(*correlation));
  } else {
    w->Uint64(0);
  }
  w->Key("flags");
  w->Uint64(flags);
  w->Key("timeout");
  w->Uint64(timeout);
  w->Key("inputs");
  w->StartArray();
  for (const Tensor& tensor : request.inputs) WriteTensor(tensor, sink, w);
  w->EndArray();
  w->Key("requested_output_names");
  w->StartArray();
  for (const auto& name : output_names) w->String(name.c_str());
  w->EndArray();
  w->EndObject();
}

// Keeps only the outputs the client asked for (a model may produce more).
void KeepRequested(const std::vector<std::string>& names, InferenceResponse* response) {
  std::vector<Tensor> kept;
  for (auto& tensor : response->outputs) {
    for (const auto& name : names) {
      if (tensor.name == name) {
        kept.push_back(std::move(tensor));
        break;
      }
    }
  }
  response->outputs = std::move(kept);
}

LogSeverity SeverityOf(const std::string& level) {
  if (level == "WARNING") return LogSeverity::kWarning;
  if (level == "ERROR") return LogSeverity::kError;
  if (level == "VERBOSE") return LogSeverity::kVerbose;
  return LogSeverity::kInfo;
}

}  // namespace

PythonInstance::PythonInstance(const PythonSettings& settings, const PythonServices* services, const ModelSpec& spec,
                               const InstanceSpec& instance)
    : settings_(settings),
      services_(services),
      model_name_(spec.model_name),
      version_(spec.version),
      model_dir_(spec.model_dir),
      version_dir_(spec.version_dir),
      model_path_(spec.model_path),
      instance_name_(instance.name),
      config_json_(ModelConfigToJson(*spec.config)),
      decoupled_(spec.config->model_transaction_policy().decoupled()),
      shm_prefix_(UniqueShmPrefix()) {}

Status PythonInstance::Create(const PythonSettings& settings, const PythonServices* services, const ModelSpec& spec,
                              const InstanceSpec& instance, std::unique_ptr<PythonInstance>* out) {
  std::unique_ptr<PythonInstance> created(new PythonInstance(settings, services, spec, instance));
  INFERD_RETURN_IF_ERROR(created->StartStub());
  *out = std::move(created);
  return Status::Ok();
}

PythonInstance::~PythonInstance() {
  StopStub(true);
  input_segment_.reset();
  UnlinkSegmentsWithPrefix(shm_prefix_);
}

Status PythonInstance::EnsureInputSegment(size_t bytes, bool* changed) {
  *changed = false;
  if (input_segment_ && input_segment_->size() >= bytes) return Status::Ok();
  size_t size = std::max(bytes, settings_.shm_default_byte_size);
  if (input_segment_) size = std::max(size, 2 * input_segment_->size());
  input_segment_.reset();
  *changed = true;
  return ShmSegment::Create("/" + shm_prefix_ + "_in" + std::to_string(input_generation_++), size, &input_segment_);
}

Status PythonInstance::StartStub() {
  if (reader_.joinable()) reader_.join();  // the previous stub's reader has ended
  metrics_ = std::make_unique<StubMetrics>(services_ ? services_->custom_metrics : nullptr);
  std::unique_ptr<StubProcess> stub;
  INFERD_RETURN_IF_ERROR(StubProcess::Start({settings_.stub_path, settings_.python_dir, shm_prefix_}, &stub));
  // A fresh input segment for every stub: a crashed stub's names were removed.
  input_segment_.reset();
  bool changed;
  INFERD_RETURN_IF_ERROR(EnsureInputSegment(settings_.shm_default_byte_size, &changed));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stub_ = std::move(stub);
    stub_alive_ = true;
    caller_saw_close_ = false;
    gone_reason_.clear();
  }
  reader_ = std::thread([this, stub = stub_.get()] { ReaderLoop(stub); });

  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("type");
  w.String("init");
  w.Key("model_path");
  w.String(model_path_.c_str());
  w.Key("model_dir");
  w.String(model_dir_.c_str());
  w.Key("version_dir");
  w.String(version_dir_.c_str());
  w.Key("decoupled");
  w.Bool(decoupled_);
  w.Key("input_segment");
  w.String(input_segment_->name().c_str());
  w.Key("input_segment_size");
  w.Uint64(input_segment_->size());
  w.Key("args");
  w.StartObject();
  const std::pair<const char*, std::string> args[] = {
      {"model_config", config_json_}, {"model_instance_kind", "CPU"},
      {"model_instance_name", instance_name_}, {"model_instance_device_id", "0"},
      {"model_repository", model_dir_}, {"model_version", std::to_string(version_)},
      {"model_name", model_name_}};
  for (const auto& [key, value] : args) {
    w.Key(key);
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  }
  w.EndObject();
  w.EndObject();
  Reply reply;
  Status status = Call(buffer.GetString(), {}, "init_done", settings_.stub_timeout, &reply);
  if (!status.ok()) {
    StopStub(false);
    return Status(status.code(), "failed to initialize Python model '" + model_name_ + "' instance '" +
                                     instance_name_ + "': " + status.message());
  }
  announce_segment_ = false;
  has_is_ready_ = JsonBool(*reply.header, "has_is_ready");
  return Status::Ok();
}

void PythonInstance::StopStub(bool finalize) {
  bool alive;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    alive = stub_alive_;
  }
  if (alive && finalize) {
    Reply reply;
    Status status = Call(R"({"type":"finalize"})", {}, "finalize_done", settings_.stub_timeout, &reply);
    if (!status.ok()) LOG_WARNING << "finalize of Python model '" << model_name_ << "' failed: " << status.message();
  }
  std::map<uint64_t, ResponseSink> orphans;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stub_alive_ = false;  // from here the reader's end-of-stream is expected, not a crash
    orphans.swap(open_);
  }
  if (stub_) {
    stub_->channel().Shutdown();  // a stub exits when its socket closes
    stub_->Stop(std::chrono::seconds(5));
  }
  if (reader_.joinable()) reader_.join();
  for (auto& [handle, sink] : orphans) {
    sink(Status::Unavailable("Python model '" + model_name_ + "' was unloaded before answering"), nullptr, true);
  }
}

Status PythonInstance::Call(const std::string& header, const std::vector<Buffer>& blob, const std::string& expected,
                            std::chrono::seconds timeout, Reply* reply) {
  StubProcess* stub;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stub_alive_) return Status::Unavailable(gone_reason_);
    awaiting_ = expected;
    reply_.reset();
    stub = stub_.get();
  }
  Status sent = stub->channel().Send(header, blob);
  if (!sent.ok()) stub->Kill();  // the reader sees the end and abandons the stub
  using Clock = std::chrono::steady_clock;
  const bool limited = timeout.count() > 0;
  const Clock::time_point deadline = limited ? Clock::now() + timeout : Clock::time_point::max();
  std::unique_lock<std::mutex> lock(mutex_);
  bool in_time = true;
  while (!reply_ && stub_alive_ && in_time) {
    if (reader_reading_ || caller_reading_) {
      // The reader thread is in the middle of a frame: it hands the reply over.
      if (!limited) {
        replied_.wait(lock);
      } else if (replied_.wait_until(lock, deadline) == std::cv_status::timeout && !reply_) {
        in_time = false;
      }
      continue;
    }
    caller_reading_ = true;
    lock.unlock();
    bool broken = false;
    for (;;) {
      int wait_ms = -1;
      if (limited) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        wait_ms = static_cast<int>(std::max<long long>(0, left));
      }
      const Clock::time_point waiting_since = Clock::now();
      const bool readable = stub->channel().WaitReadable(wait_ms, SpinForReply());
      // Each message counts, not the whole call: a BLS call's messages come
      // quickly one after the other even when the call as a whole takes long.
      replies_quick_ = Clock::now() - waiting_since <= kReplySpin;
      if (!readable) {
        in_time = false;
        break;
      }
      Frame frame;
      if (!stub->channel().Receive(&frame).ok()) {
        broken = true;
        break;
      }
      Dispatch(std::move(frame));  // logs, BLS, decoupled responses, or our reply
      std::lock_guard<std::mutex> check(mutex_);
      if (reply_ || !stub_alive_) break;
    }
    stub->channel().HandOver();  // what came after our reply is the reader thread's
    lock.lock();
    caller_reading_ = false;
    // A closed socket: the reader thread finds out too and abandons the stub.
    if (broken) {
      caller_saw_close_ = true;
      reader_resume_.notify_all();
    }
    replied_.notify_all();
    if (broken) replied_.wait(lock, [&] { return !stub_alive_; });
  }
  awaiting_.clear();
  last_call_end_ = Clock::now();
  if (!in_time) {
    const std::string hook = expected == "init_done"       ? "initialize"
                             : expected == "finalize_done" ? "finalize"
                             : expected == "is_ready_done" ? "is_ready"
                                                           : "execute";
    std::string reason = "Python model '" + model_name_ + "' instance '" + instance_name_ + "' did not finish " +
                         hook + " within " + std::to_string(timeout.count()) + " s; its stub was stopped";
    if (hook == "execute" || hook == "is_ready") reason += " and is restarted for the next request";
    lock.unlock();
    Abandon(reason);
    stub->Kill();
    return Status::Unavailable(reason);
  }
  if (!reply_) return Status::Unavailable(gone_reason_);
  *reply = std::move(*reply_);
  reply_.reset();
  if (JsonString(*reply->header, "type") == "error") return Status::Internal(JsonString(*reply->header, "message"));
  return Status::Ok();
}

std::chrono::microseconds PythonInstance::SpinForReply() const {
  // Worth it only when the stub answers quickly, and only while this is the
  // one request in the server: under load the core is better left to the
  // stub and the other requests.
  if (!replies_quick_ || !services_->requests_in_flight || services_->requests_in_flight() > 1) {
    return std::chrono::microseconds(0);
  }
  return kReplySpin;
}

// While Calls come one after the other, the thread making each reads the
// stub's messages itself. A reader thread asleep on the socket as well would
// be woken by every message for nothing, and the stub pays for that wake-up
// (tens of microseconds on a virtual machine) on its way to answering. So the
// reader stays off the socket while a Call is under way and for kReaderPause
// after the last one: what the stub sends meanwhile on its own (a log line
// from a thread of the model) waits at most that long. A decoupled model's
// responses come between Calls, so its reader never stands aside.
void PythonInstance::StandAsideWhileCalled() {
  if (decoupled_) return;
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    if (caller_saw_close_) return;
    auto now = std::chrono::steady_clock::now();
    if (awaiting_.empty() && now >= last_call_end_ + kReaderPause) return;
    reader_resume_.wait_until(lock, awaiting_.empty() ? last_call_end_ + kReaderPause : now + kReaderPause);
  }
}

void PythonInstance::ReaderLoop(StubProcess* stub) {
  for (;;) {
    StandAsideWhileCalled();
    stub->channel().WaitReadable(-1);
    {
      std::unique_lock<std::mutex> lock(mutex_);
      replied_.wait(lock, [this] { return !caller_reading_; });
      reader_reading_ = true;
    }
    // A Call may have taken the data while this thread waited for its turn.
    bool readable = stub->channel().WaitReadable(0);
    Frame frame;
    Status received = readable ? stub->channel().Receive(&frame) : Status::Ok();
    // The turn is handed back only after dispatching, so a waiting Call
    // either finds its reply here or reads the socket itself, never both.
    if (readable && received.ok()) Dispatch(std::move(frame));
    {
      std::lock_guard<std::mutex> lock(mutex_);
      reader_reading_ = false;
    }
    replied_.notify_all();
    if (readable && !received.ok()) break;
  }
  OnStubGone(stub->ExitDescription());
}

void PythonInstance::OnStubGone(const std::string& why) {
  Abandon("the Python stub of model '" + model_name_ + "' instance '" + instance_name_ + "' exited unexpectedly (" +
          why + "); it is restarted for the next request");
}

void PythonInstance::Abandon(const std::string& why) {
  std::map<uint64_t, ResponseSink> failed;
  std::string reason;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stub_alive_) return;  // a planned stop, or already abandoned
    stub_alive_ = false;
    gone_reason_ = why;
    reason = gone_reason_;
    failed.swap(open_);
  }
  replied_.notify_all();
  LOG_ERROR << reason;
  // The stub may have left output segments behind; the input segment is
  // re-created for the next stub.
  UnlinkSegmentsWithPrefix(shm_prefix_ + "_");
  for (auto& [handle, sink] : failed) sink(Status::Internal(reason), nullptr, true);
}

void PythonInstance::Dispatch(Frame frame) {
  std::unique_ptr<rapidjson::Document> parsed = std::make_unique<rapidjson::Document>();
  parsed->Parse(frame.header.c_str());
  if (!parsed->IsObject()) {
    LOG_ERROR << "the Python stub of model '" << model_name_ << "' sent a malformed message";
    return;
  }
  const rapidjson::Document& header = *parsed;
  std::string type = JsonString(header, "type");
  if (type == "log") {
    const rapidjson::Value* line = JsonMember(header, "line");
    std::string file = JsonString(header, "file");
    LogSeverity severity = SeverityOf(JsonString(header, "level"));
    if (LogEnabled(severity, 1)) {
      WriteLogLine(severity, file.empty() ? "model.py" : file.c_str(), line && line->IsInt() ? line->GetInt() : 0,
                   JsonString(header, "message"));
    }
  } else if (type == "bls") {
    OnBls(header, frame.blob);
  } else if (type == "control") {
    OnControl(header);
  } else if (type == "response") {
    OnDecoupledResponse(header, frame.blob);
  } else if (type == "metric") {
    OnMetric(header);
  } else {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!awaiting_.empty() && (type == awaiting_ || type == "error")) {
      reply_ = Reply{std::move(frame.blob), std::move(parsed)};
      replied_.notify_all();
    } else {
      LOG_WARNING << "unexpected message '" << type << "' from the Python stub of model '" << model_name_ << "'";
    }
  }
}

bool PythonInstance::IsReady() {
  // A busy instance is serving; a model without the hook is ready as loaded.
  std::unique_lock<std::mutex> idle(call_mutex_, std::try_to_lock);
  if (!idle.owns_lock() || !has_is_ready_) return true;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!stub_alive_) return true;  // the next request restarts the stub
  }
  Reply reply;
  Status status = Call(R"({"type":"is_ready"})", {}, "is_ready_done", kIsReadyTimeout, &reply);
  return status.ok() && JsonBool(*reply.header, "ready");
}

void PythonInstance::RunBatch(std::vector<ExecutionRequest> requests, ComputeTimestamps* times) {
  std::unique_lock<std::mutex> calling(call_mutex_);
  times->start_ns = SteadyNowNs();
  auto fail_all = [&](const Status& status) {
    times->end_ns = SteadyNowNs();
    for (auto& request : requests) request.sink(status, nullptr, true);
  };
  bool alive;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    alive = stub_alive_;
  }
  if (!alive) {
    StopStub(false);
    Status restarted = StartStub();
    if (!restarted.ok()) return fail_all(Status::Unavailable(restarted.message()));
    LOG_INFO << "restarted the Python stub of model '" << model_name_ << "' instance '" << instance_name_ << "'";
  }
  size_t input_bytes = 0;
  for (const auto& request : requests) {
    for (const Tensor& tensor : request.request->inputs) input_bytes += tensor.data.size();
  }
  bool changed = false;
  Status status = EnsureInputSegment(input_bytes, &changed);
  if (!status.ok()) return fail_all(status);
  announce_segment_ = announce_segment_ || changed;

  uint64_t first_handle = next_handle_;
  next_handle_ += requests.size();
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  TensorSink tensors;
  tensors.shm = input_segment_.get();
  w.StartObject();
  w.Key("type");
  w.String("execute");
  if (announce_segment_) {
    w.Key("input_segment");
    w.String(input_segment_->name().c_str());
    w.Key("input_segment_size");
    w.Uint64(input_segment_->size());
  }
  w.Key("requests");
  w.StartArray();
  for (size_t i = 0; i < requests.size(); ++i) {
    WriteRequest(first_handle + i, *requests[i].request, requests[i].output_names, &tensors, &w);
  }
  w.EndArray();
  w.EndObject();
  times->input_end_ns = SteadyNowNs();

  if (decoupled_) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (size_t i = 0; i < requests.size(); ++i) open_[first_handle + i] = requests[i].sink;
  }
  Reply reply;
  status = Call(buffer.GetString(), {}, "execute_done", settings_.execute_timeout, &reply);
  times->output_start_ns = SteadyNowNs();
  if (status.ok()) announce_segment_ = false;
  // Done with the stub: a readiness check may ask it while the responses go
  // out (a client that has its answer must find the instance idle).
  calling.unlock();
  if (status.ok()) {
    std::string error = JsonString(*reply.header, "error");
    if (!error.empty()) status = Status::Internal(error);
  }
  if (decoupled_) {
    // Responses come through the reader; only a failure of execute itself ends the requests here.
    times->end_ns = SteadyNowNs();
    if (status.ok()) return;
    std::vector<ResponseSink> still_open;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (size_t i = 0; i < requests.size(); ++i) {
        auto open = open_.find(first_handle + i);
        if (open == open_.end()) continue;  // already failed by OnStubGone
        still_open.push_back(std::move(open->second));
        open_.erase(open);
      }
    }
    for (auto& sink : still_open) sink(status, nullptr, true);
    return;
  }
  if (!status.ok()) return fail_all(status);

  const rapidjson::Value* responses = JsonMember(*reply.header, "responses");
  if (!responses || !responses->IsArray() || responses->Size() != requests.size()) {
    return fail_all(Status::Internal("Python model '" + model_name_ + "' returned a wrong number of responses"));
  }
  std::vector<Status> statuses(requests.size());
  std::vector<std::unique_ptr<InferenceResponse>> read(requests.size());
  FrameSegments segments;  // one reply's responses may share an output segment
  for (size_t i = 0; i < requests.size(); ++i) {
    read[i] = std::make_unique<InferenceResponse>();
    Status model_error;
    statuses[i] = ReadResponse((*responses)[static_cast<rapidjson::SizeType>(i)], reply.blob, &segments,
                               read[i].get(), &model_error);
    if (statuses[i].ok()) statuses[i] = model_error;
    if (statuses[i].ok()) KeepRequested(requests[i].output_names, read[i].get());
  }
  times->end_ns = SteadyNowNs();
  for (size_t i = 0; i < requests.size(); ++i) {
    if (!statuses[i].ok()) {
      requests[i].sink(std::move(statuses[i]), nullptr, true);
    } else {
      requests[i].sink(Status::Ok(), std::move(read[i]), true);
    }
  }
}

void PythonInstance::OnDecoupledResponse(const rapidjson::Value& header, const Buffer& blob) {
  const rapidjson::Value* handle = JsonMember(header, "request");
  const rapidjson::Value* final_flag = JsonMember(header, "final");
  bool final = final_flag && final_flag->IsBool() && final_flag->GetBool();
  ResponseSink sink;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto open = handle && handle->IsUint64() ? open_.find(handle->GetUint64()) : open_.end();
    if (open == open_.end()) {
      LOG_VERBOSE(1) << "dropping a response of Python model '" << model_name_ << "' for a finished request";
      return;
    }
    sink = final ? std::move(open->second) : open->second;
    if (final) open_.erase(open);
  }
  if (final && !JsonMember(header, "outputs") && !JsonMember(header, "error")) {
    return sink(Status::Ok(), nullptr, true);  // flags-only final
  }
  auto response = std::make_unique<InferenceResponse>();
  FrameSegments segments;
  Status model_error;
  Status status = ReadResponse(header, blob, &segments, response.get(), &model_error);
  if (!status.ok()) return sink(std::move(status), nullptr, final);
  if (!model_error.ok()) return sink(std::move(model_error), nullptr, final);
  sink(Status::Ok(), std::move(response), final);
}

void PythonInstance::OnBls(const rapidjson::Value& header, const Buffer& blob) {
  const rapidjson::Value* id = JsonMember(header, "bls_id");
  uint64_t bls_id = id && id->IsUint64() ? id->GetUint64() : 0;
  std::shared_ptr<StubProcess> stub;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stub = stub_;
  }
  // Answers over the socket of the stub that asked, which the callback keeps
  // alive; if that stub has died meanwhile, the send fails quietly.
  auto answer = [stub, bls_id](const Status& status, const InferenceResponse* response, bool final) {
    rapidjson::StringBuffer buffer;
    JsonWriter w(buffer);
    std::vector<Buffer> blob;
    TensorSink tensors;
    tensors.blob = &blob;
    w.StartObject();
    w.Key("type");
    w.String("bls_result");
    w.Key("bls_id");
    w.Uint64(bls_id);
    w.Key("final");
    w.Bool(final);
    w.Key("response");
    if (!status.ok() || response) {
      w.StartObject();
      w.Key("outputs");
      w.StartArray();
      if (response) {
        for (const Tensor& tensor : response->outputs) WriteTensor(tensor, &tensors, &w);
      }
      w.EndArray();
      w.Key("parameters");
      WriteParameters(response ? response->parameters : Parameters{}, &w);
      w.Key("error");
      if (status.ok()) {
        w.Null();
      } else {
        w.StartObject();
        w.Key("message");
        w.String(status.message().c_str());
        w.Key("code");
        w.String(StubErrorCodeName(status.code()));
        w.EndObject();
      }
      w.EndObject();
    } else {
      w.Null();  // a decoupled callee's flags-only final
    }
    w.EndObject();
    (void)stub->channel().Send(buffer.GetString(), blob);
  };
  auto request = std::make_unique<InferenceRequest>();
  FrameSegments segments;
  const rapidjson::Value* body = JsonMember(header, "request");
  Status status = body ? ReadBlsRequest(*body, blob, &segments, request.get())
                       : Status::InvalidArg("BLS request without a request");
  if (!status.ok() || !services_ || !services_->infer) {
    if (status.ok()) status = Status::Unavailable("BLS is not available");
    return answer(status, nullptr, true);
  }
  services_->infer(std::move(request), [answer](Status status, std::unique_ptr<InferenceResponse> response,
                                                bool final) { answer(status, response.get(), final); });
}

void PythonInstance::OnControl(const rapidjson::Value& header) {
  const rapidjson::Value* id = JsonMember(header, "control_id");
  std::string action = JsonString(header, "action");
  std::string model = JsonString(header, "model_name");
  bool ok = true, ready = false;
  std::string message;
  if (action == "is_model_ready") {
    std::string version_text = JsonString(header, "model_version");
    int64_t version = -1;
    if (!version_text.empty()) version = std::atoll(version_text.c_str());
    ready = services_ && services_->is_model_ready && services_->is_model_ready(model, version);
  } else if (action == "unload_model" && model == model_name_) {
    // The unload would wait for its own request, the one asking, to finish.
    ok = false;
    message = "unload_model: a model cannot unload itself ('" + model_name_ + "')";
  } else if (action == "load_model" && services_ && services_->load_model) {
    ModelLoadOverrides overrides;
    Status status = AddLoadParameter("config", JsonString(header, "config"), &overrides);
    const rapidjson::Value* files = JsonMember(header, "files");
    if (files && files->IsObject()) {
      for (const auto& file : files->GetObject()) {
        std::string content;
        if (!status.ok()) break;
        if (!file.value.IsString() || !Base64Decode(file.value.GetString(), &content)) {
          status = Status::InvalidArg(std::string("load_model: file '") + file.name.GetString() + "' is not base64");
        } else {
          status = AddLoadParameter(file.name.GetString(), std::move(content), &overrides);
        }
      }
    }
    if (status.ok()) status = services_->load_model(model, overrides);
    ok = status.ok();
    message = status.message();
  } else if (action == "unload_model" && services_ && services_->unload_model) {
    const rapidjson::Value* dependents = JsonMember(header, "unload_dependents");
    Status status = services_->unload_model(model, dependents && dependents->IsBool() && dependents->GetBool());
    ok = status.ok();
    message = status.message();
  } else {
    ok = false;
    message = action + " is not available in this server";
  }
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("type");
  w.String("control_result");
  w.Key("control_id");
  w.Uint64(id && id->IsUint64() ? id->GetUint64() : 0);
  w.Key("ok");
  w.Bool(ok);
  w.Key("ready");
  w.Bool(ready);
  w.Key("message");
  w.String(message.c_str());
  w.EndObject();
  StubProcess* stub;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stub = stub_.get();
  }
  (void)stub->channel().Send(buffer.GetString());
}

void PythonInstance::OnMetric(const rapidjson::Value& header) {
  std::optional<std::string> reply = metrics_->Handle(header);
  if (!reply) return;
  StubProcess* stub;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stub = stub_.get();
  }
  (void)stub->channel().Send(*reply);
}

}  // namespace inferd
