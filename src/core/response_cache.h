// ResponseCache: the server's response cache (--cache-config local,size=N),
// used by models whose config has `response_cache { enable: true }`.
//
// A request's key covers its model, version (as loaded this time), inputs
// (name, datatype, shape, data) and requested outputs; a hit answers with the
// outputs and parameters of the first response to an equal request, without
// running the model.
// Entries hold their own copy of the outputs, counted against the size;
// the least recently used go first when a new one needs room, and a response
// larger than the whole cache is not kept. Thread-safe.
#pragma once

#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/inference.h"

namespace inferd {

class ResponseCache {
 public:
  explicit ResponseCache(uint64_t capacity_bytes) : capacity_bytes_(capacity_bytes) {}

  // The key of a validated request to `model` version `version`, loaded as
  // `load_serial` (a version loaded again does not answer from before).
  static std::string Key(const std::string& model, int64_t version, uint64_t load_serial,
                         const InferenceRequest& request);

  // On a hit fills `outputs` and `parameters` (the outputs share the cache's copy).
  bool Lookup(const std::string& key, std::vector<Tensor>* outputs, Parameters* parameters);
  // Keeps a copy of `response`'s outputs and parameters under `key`.
  void Insert(const std::string& key, const InferenceResponse& response);

  uint64_t capacity_bytes() const { return capacity_bytes_; }
  uint64_t used_bytes() const;
  size_t entries() const;

 private:
  struct Entry {
    std::string key;
    std::vector<Tensor> outputs;
    Parameters parameters;
    uint64_t bytes = 0;
  };

  const uint64_t capacity_bytes_;
  mutable std::mutex mutex_;
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> by_key_;
  uint64_t used_bytes_ = 0;
};

// Parses --cache-config values ("local,size=1048576"); fills `capacity_bytes`
// with the local cache's size, or 0 when none is configured.
Status ParseCacheConfigs(const std::vector<std::string>& configs, uint64_t* capacity_bytes);

}  // namespace inferd
