#include "core/tracer.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "core/logging.h"
#include "core/model_stats.h"

namespace inferd {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteString(JsonWriter* w, const std::string& text) {
  w->String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

float HalfToFloat(uint16_t half) {
  int exponent = (half >> 10) & 0x1f;
  int mantissa = half & 0x3ff;
  float magnitude = exponent == 0    ? std::ldexp(static_cast<float>(mantissa), -24)
                    : exponent == 31 ? (mantissa ? NAN : INFINITY)
                                     : std::ldexp(static_cast<float>(mantissa | 0x400), exponent - 25);
  return (half & 0x8000) ? -magnitude : magnitude;
}

float Bfloat16ToFloat(uint16_t bits) {
  uint32_t widened = static_cast<uint32_t>(bits) << 16;
  float value;
  std::memcpy(&value, &widened, sizeof(value));
  return value;
}

template <typename T>
T Load(const char* at) {
  T value;
  std::memcpy(&value, at, sizeof(T));
  return value;
}

template <typename T>
void AppendNumber(T value, std::string* out) {
  char text[64];
  auto [end, error] = std::to_chars(text, text + sizeof(text), value);
  out->append(text, error == std::errc() ? end : text);
}

// One element of a fixed-size type at `at`, as text.
void AppendElement(DataType type, const char* at, std::string* out) {
  switch (type) {
    case DataType::kBool: out->append(*at ? "1" : "0"); break;
    case DataType::kUint8: AppendNumber(Load<uint8_t>(at), out); break;
    case DataType::kUint16: AppendNumber(Load<uint16_t>(at), out); break;
    case DataType::kUint32: AppendNumber(Load<uint32_t>(at), out); break;
    case DataType::kUint64: AppendNumber(Load<uint64_t>(at), out); break;
    case DataType::kInt8: AppendNumber(Load<int8_t>(at), out); break;
    case DataType::kInt16: AppendNumber(Load<int16_t>(at), out); break;
    case DataType::kInt32: AppendNumber(Load<int32_t>(at), out); break;
    case DataType::kInt64: AppendNumber(Load<int64_t>(at), out); break;
    case DataType::kFp16: AppendNumber(HalfToFloat(Load<uint16_t>(at)), out); break;
    case DataType::kBf16: AppendNumber(Bfloat16ToFloat(Load<uint16_t>(at)), out); break;
    case DataType::kFp32: AppendNumber(Load<float>(at), out); break;
    case DataType::kFp64: AppendNumber(Load<double>(at), out); break;
    default: break;
  }
}

// The tensor's elements as comma-separated text; BYTES elements as they are.
std::string TensorText(const Tensor& tensor) {
  std::string text;
  std::string_view data(tensor.data.data(), tensor.data.size());
  if (tensor.datatype == DataType::kBytes) {
    std::vector<std::string_view> elements;
    if (!SplitBytesElements(tensor.name, data, -1, &elements).ok()) return text;
    for (size_t i = 0; i < elements.size(); ++i) {
      if (i > 0) text += ',';
      text.append(elements[i]);
    }
    return text;
  }
  size_t size = DataTypeByteSize(tensor.datatype);
  if (size == 0) return text;
  for (size_t offset = 0; offset + size <= data.size(); offset += size) {
    if (offset > 0) text += ',';
    AppendElement(tensor.datatype, data.data() + offset, &text);
  }
  return text;
}

// Writes `entries` as a JSON array to `path`, through a temporary file renamed
// into place, so that a reader never sees half a file.
void WriteTraceFile(const std::string& path, const std::vector<std::string>& entries) {
  std::string temporary = path + ".writing";
  std::ofstream out(temporary, std::ios::trunc);
  out << "[\n";
  for (size_t i = 0; i < entries.size(); ++i) out << (i > 0 ? ",\n" : "") << entries[i];
  out << "\n]\n";
  out.close();
  if (!out || std::rename(temporary.c_str(), path.c_str()) != 0) {
    LOG_ERROR << "unable to write traces to '" << path << "': " << std::strerror(errno);
    std::remove(temporary.c_str());
  }
}

// "1,16": the shape without ShapeToString's brackets, as Triton's traces write it.
std::string ShapeText(const Shape& shape) {
  std::string text = ShapeToString(shape);
  return text.substr(1, text.size() - 2);
}

// Applies an update to one set of overrides (the global ones sit on the
// start-up settings, a model's on the global ones).
void ApplyChange(const TraceSettingsChange& change, TraceOverrides* overrides) {
  if (change.clear_all) *overrides = TraceOverrides();
  for (const std::string& key : change.clear) {
    if (key == "trace_level") overrides->level.reset();
    if (key == "trace_rate") overrides->rate.reset();
    if (key == "trace_count") overrides->count.reset();
    if (key == "log_frequency") overrides->log_frequency.reset();
  }
  const TraceOverrides& set = change.set;
  if (set.level) overrides->level = set.level;
  if (set.rate) overrides->rate = set.rate;
  if (set.count) overrides->count = set.count;
  if (set.log_frequency) overrides->log_frequency = set.log_frequency;
}

}  // namespace

RequestTrace::~RequestTrace() { tracer_->Collect(this); }

std::shared_ptr<void> TraceSending(std::shared_ptr<RequestTrace> trace, const char* start, const char* end) {
  if (!trace) return nullptr;
  trace->Timestamp(start, SteadyNowNs());
  // Built in place: a temporary Stamp copied into the shared block would note
  // `end` a first time when it died.
  struct Stamp {
    Stamp(std::shared_ptr<RequestTrace> held, const char* stamp_name) : trace(std::move(held)), name(stamp_name) {}
    Stamp(const Stamp&) = delete;
    Stamp& operator=(const Stamp&) = delete;
    ~Stamp() { trace->Timestamp(name, SteadyNowNs()); }
    std::shared_ptr<RequestTrace> trace;
    const char* name;
  };
  return std::make_shared<Stamp>(std::move(trace), end);
}

void RequestTrace::Add(std::string entry) {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.push_back(std::move(entry));
}

void RequestTrace::Describe(const std::string& model, int64_t version, const std::string& request_id) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("id");
  w.Uint64(id_);
  w.Key("model_name");
  WriteString(&w, model);
  w.Key("model_version");
  w.Int64(version);
  if (!request_id.empty()) {
    w.Key("request_id");
    WriteString(&w, request_id);
  }
  if (parent_id_) {
    w.Key("parent_id");
    w.Uint64(parent_id_);
  }
  w.EndObject();
  Add(buffer.GetString());
}

void RequestTrace::Timestamp(const char* name, uint64_t ns) {
  if (!level_.timestamps) return;
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("id");
  w.Uint64(id_);
  w.Key("timestamps");
  w.StartArray();
  w.StartObject();
  w.Key("name");
  w.String(name);
  w.Key("ns");
  w.Uint64(ns);
  w.EndObject();
  w.EndArray();
  w.EndObject();
  Add(buffer.GetString());
}

void RequestTrace::AddTensor(const char* activity, const Tensor& tensor) {
  if (!level_.tensors) return;
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("id");
  w.Uint64(id_);
  w.Key("activity");
  w.String(activity);
  w.Key("tensor");
  w.StartObject();
  w.Key("name");
  WriteString(&w, tensor.name);
  w.Key("data");
  WriteString(&w, TensorText(tensor));
  w.Key("shape");
  WriteString(&w, ShapeText(tensor.shape));
  w.Key("dtype");
  w.String(std::string(DataTypeName(tensor.datatype)).c_str());
  w.EndObject();
  w.EndObject();
  Add(buffer.GetString());
}

Tracer::Tracer(TraceSettings startup) : startup_(std::move(startup)) {
  std::lock_guard<std::mutex> lock(mutex_);
  tracing_ = AnyTracing();
  if (!startup_.level.off() && startup_.file.empty()) {
    LOG_WARNING << "tracing is on but no trace file is set (--trace-config triton,file=<path>): no request is traced";
  }
}

Tracer::~Tracer() { WriteAll(); }

TraceSettings Tracer::Settings(const std::string& model) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = model.empty() ? models_.end() : models_.find(model);
  TraceSettings global = Global();
  return found == models_.end() ? global : found->second.Over(global);
}

void Tracer::Update(const std::string& model, const TraceSettingsChange& change) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (model.empty()) {
    ApplyChange(change, &global_);
  } else {
    TraceOverrides& overrides = models_[model];
    ApplyChange(change, &overrides);
    if (overrides.empty()) models_.erase(model);
  }
  tracing_ = AnyTracing();
}

bool Tracer::AnyTracing() const {
  if (startup_.file.empty()) return false;
  auto on = [](const TraceSettings& s) { return !s.level.off() && s.count != 0; };
  TraceSettings global = Global();
  if (on(global)) return true;
  return std::any_of(models_.begin(), models_.end(),
                     [&](const auto& entry) { return on(entry.second.Over(global)); });
}

std::shared_ptr<RequestTrace> Tracer::Sample(const std::string& model) {
  if (!tracing_.load(std::memory_order_relaxed)) return nullptr;
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = models_.find(model);
  TraceOverrides* overrides = found == models_.end() ? nullptr : &found->second;
  TraceSettings settings = overrides ? overrides->Over(Global()) : Global();
  if (settings.level.off() || settings.count == 0) return nullptr;
  if (++seen_[model] % static_cast<uint64_t>(settings.rate) != 0) return nullptr;
  if (settings.count > 0) {
    // The count belongs to whoever set it: the model, or the global settings.
    TraceOverrides* owner = overrides && overrides->count ? overrides : &global_;
    owner->count = settings.count - 1;
    tracing_ = AnyTracing();
  }
  return std::make_shared<RequestTrace>(this, next_id_++, settings.level, settings.log_frequency);
}

std::shared_ptr<RequestTrace> Tracer::Child(const RequestTrace& parent) {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::make_shared<RequestTrace>(this, next_id_++, parent.level(), parent.log_frequency_, parent.id());
}

void Tracer::Collect(RequestTrace* trace) {
  std::vector<std::string> batch;
  std::string path;
  {
    // No one else holds the trace any more: its entries need no lock.
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& entry : trace->entries_) pending_.push_back(std::move(entry));
    trace->entries_.clear();
    ++pending_traces_;
    if (trace->log_frequency_ <= 0 || pending_traces_ < trace->log_frequency_) return;
    path = startup_.file + "." + std::to_string(next_file_index_++);
    batch.swap(pending_);
    pending_traces_ = 0;
  }
  // The thread letting the trace go may be a frontend's: the file is written on another.
  writers_.Run([path = std::move(path), batch = std::move(batch)] { WriteTraceFile(path, batch); });
}

void Tracer::WriteAll() {
  writers_.WaitAll();
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string& file = startup_.file;
  if (file.empty() || pending_traces_ == 0) return;
  std::string path = Global().log_frequency == 0 ? file : file + "." + std::to_string(next_file_index_++);
  WriteTraceFile(path, pending_);
  pending_.clear();
  pending_traces_ = 0;
}

}  // namespace inferd
