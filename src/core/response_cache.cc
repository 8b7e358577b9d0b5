#include "core/response_cache.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <string_view>

namespace inferd {
namespace {

void AppendNumber(uint64_t value, std::string* out) { out->append(reinterpret_cast<const char*>(&value), 8); }

void AppendText(std::string_view text, std::string* out) {
  AppendNumber(text.size(), out);
  out->append(text);
}

constexpr uint64_t kPrime = 1099511628211ull;  // FNV-1a's

// One 8-byte word into a lane: FNV-1a's step on the word, then a shift
// that spreads its high bits.
inline uint64_t Mix(uint64_t lane, const char* at) {
  uint64_t word;
  std::memcpy(&word, at, 8);
  lane = (lane ^ word) * kPrime;
  return lane ^ (lane >> 29);
}

// Two 64-bit digests of the data, a 128-bit stand-in for the bytes
// themselves so that keys stay small for large tensors. Four independent
// lanes let the processor hash 32 bytes at once (about 20 GB/s here); the
// lanes are folded twice, in opposite orders.
void AppendDigest(std::string_view data, std::string* out) {
  uint64_t a = 14695981039346656037ull, b = 1, c = 2, d = 3;
  const char* bytes = data.data();
  size_t i = 0;
  for (; i + 32 <= data.size(); i += 32) {
    a = Mix(a, bytes + i);
    b = Mix(b, bytes + i + 8);
    c = Mix(c, bytes + i + 16);
    d = Mix(d, bytes + i + 24);
  }
  for (; i < data.size(); ++i) a = (a ^ static_cast<unsigned char>(bytes[i])) * kPrime;
  uint64_t first = data.size(), second = ~data.size();
  for (uint64_t lane : {a, b, c, d}) first = ((first ^ lane) * kPrime) ^ (first >> 31);
  for (uint64_t lane : {d, c, b, a}) second = ((second ^ lane) * 0x9e3779b97f4a7c15ull) ^ (second >> 27);
  AppendNumber(first, out);
  AppendNumber(second, out);
}

// A whole decimal number, nothing around it.
bool ParseSize(const std::string& text, uint64_t* out) {
  const char* end = text.data() + text.size();
  auto [last, error] = std::from_chars(text.data(), end, *out);
  return !text.empty() && error == std::errc() && last == end;
}

}  // namespace

std::string ResponseCache::Key(const std::string& model, int64_t version, uint64_t load_serial,
                               const InferenceRequest& request) {
  std::string key;
  AppendText(model, &key);
  AppendNumber(static_cast<uint64_t>(version), &key);
  AppendNumber(load_serial, &key);
  // The order in which a client lists inputs or outputs does not change the answer.
  std::vector<const Tensor*> inputs;
  for (const Tensor& input : request.inputs) inputs.push_back(&input);
  std::sort(inputs.begin(), inputs.end(), [](const Tensor* a, const Tensor* b) { return a->name < b->name; });
  for (const Tensor* input : inputs) {
    AppendText(input->name, &key);
    AppendNumber(static_cast<uint64_t>(input->datatype), &key);
    AppendNumber(input->shape.size(), &key);
    for (int64_t dim : input->shape) AppendNumber(static_cast<uint64_t>(dim), &key);
    AppendDigest(std::string_view(input->data.data(), input->data.size()), &key);
  }
  std::vector<RequestedOutput> outputs = request.outputs;
  std::sort(outputs.begin(), outputs.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  AppendNumber(outputs.size(), &key);
  for (const RequestedOutput& output : outputs) {
    AppendText(output.name, &key);
    AppendNumber(output.classification_count, &key);
  }
  return key;
}

bool ResponseCache::Lookup(const std::string& key, std::vector<Tensor>* outputs, Parameters* parameters) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return false;
  entries_.splice(entries_.begin(), entries_, it->second);
  *outputs = it->second->outputs;
  *parameters = it->second->parameters;
  return true;
}

void ResponseCache::Insert(const std::string& key, const InferenceResponse& response) {
  Entry entry;
  entry.key = key;
  entry.parameters = response.parameters;
  entry.bytes = key.size();
  for (const Tensor& output : response.outputs) {
    Tensor copy;
    copy.name = output.name;
    copy.datatype = output.datatype;
    copy.shape = output.shape;
    // A copy of its own: the response's buffer may view a whole batch's output.
    copy.data = Buffer::FromString(std::string(output.data.data(), output.data.size()));
    entry.bytes += output.data.size() + output.name.size();
    entry.outputs.push_back(std::move(copy));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (entry.bytes > capacity_bytes_ || by_key_.count(key)) return;
  while (used_bytes_ + entry.bytes > capacity_bytes_) {
    used_bytes_ -= entries_.back().bytes;
    by_key_.erase(entries_.back().key);
    entries_.pop_back();
  }
  used_bytes_ += entry.bytes;
  entries_.push_front(std::move(entry));
  by_key_[key] = entries_.begin();
}

uint64_t ResponseCache::used_bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return used_bytes_;
}

size_t ResponseCache::entries() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

Status ParseCacheConfigs(const std::vector<std::string>& configs, uint64_t* capacity_bytes) {
  *capacity_bytes = 0;
  bool local = false;
  for (const std::string& config : configs) {
    size_t comma = config.find(',');
    const std::string cache = config.substr(0, comma);
    if (cache != "local") {
      return Status::InvalidArg("--cache-config '" + config + "': unknown cache '" + cache +
                                "'; inferd has the 'local' cache only (local,size=<bytes>)");
    }
    local = true;
    const std::string setting = comma == std::string::npos ? "" : config.substr(comma + 1);
    size_t equals = setting.find('=');
    if (equals == std::string::npos) {
      return Status::InvalidArg("--cache-config '" + config + "': expected local,<setting>=<value>");
    }
    const std::string name = setting.substr(0, equals), value = setting.substr(equals + 1);
    if (name != "size") {
      return Status::InvalidArg("--cache-config '" + config + "': the local cache has one setting, size");
    }
    if (!ParseSize(value, capacity_bytes)) {
      return Status::InvalidArg("--cache-config '" + config + "': size must be a number of bytes");
    }
  }
  if (local && *capacity_bytes == 0) {
    return Status::InvalidArg("--cache-config: the local cache needs a size above 0 (local,size=<bytes>)");
  }
  return Status::Ok();
}

}  // namespace inferd
