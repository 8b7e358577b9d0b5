// --shared-memory system: tensors through POSIX shared memory instead of in
// the requests and responses, as perf_analyzer's option of that name does.
//
// SharedMemoryServerClient wraps the protocol's ServerClient. Before the run
// it puts each input of each payload in a region of its own, and makes one
// set of output regions (one per model output, of --output-shared-memory-size
// bytes) for each worker the run can have; an inference client takes a free
// set and gives it back when it is done, so every load level reuses them. A
// region is filled, registered with the server (which maps it at once), and
// its name unlinked from /dev/shm straight away: nothing is left behind even
// if the tool is killed. The regions are unregistered when the wrapper goes.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "perf/server_client.h"

namespace inferd::perf {

class SharedMemoryServerClient : public ServerClient {
 public:
  SharedMemoryServerClient(std::unique_ptr<ServerClient> inner, std::vector<TensorInfo> outputs,
                           size_t output_byte_size);
  ~SharedMemoryServerClient() override;

  // Places every input of `payloads` in a region, and makes `workers` sets of
  // output regions.
  Status Prepare(std::vector<InferPayload>* payloads, size_t workers);

  Status ServerExtensions(std::vector<std::string>* extensions) override {
    return inner_->ServerExtensions(extensions);
  }
  Status GetModelInfo(ModelInfo* model) override { return inner_->GetModelInfo(model); }
  Status GetModelStats(ModelStatsSnapshot* snapshot) override { return inner_->GetModelStats(snapshot); }
  // A client of the wrapped protocol with a free set of output regions.
  std::unique_ptr<InferClient> NewInferClient() override;
  Status RegisterSystemSharedMemory(const std::string& name, const std::string& key, size_t byte_size) override {
    return inner_->RegisterSystemSharedMemory(name, key, byte_size);
  }
  Status UnregisterSystemSharedMemory(const std::string& name) override {
    return inner_->UnregisterSystemSharedMemory(name);
  }

 private:
  class PooledClient;

  // Creates region `name` holding `data` (or `size` zero bytes when `data` is
  // empty), registers it and unlinks its name.
  Status AddRegion(const std::string& name, const std::string& data, size_t size);
  void Release(std::vector<SharedMemoryOutput> set);

  std::unique_ptr<ServerClient> inner_;
  const std::vector<TensorInfo> outputs_;
  const size_t output_byte_size_;
  const std::string prefix_;              // "inferd_perf_<pid>_"
  std::vector<std::string> registered_;  // region names, to unregister
  std::mutex mutex_;
  std::vector<std::vector<SharedMemoryOutput>> free_sets_;
};

}  // namespace inferd::perf
