// SharedMemoryRegistry: the system shared memory regions clients registered
// (the shared memory extension), and the views of them that inference
// requests read their inputs from and write their outputs to.
//
// A region is a named window [offset, offset + byte_size) of a POSIX shared
// memory object (shm_open key). The registry maps the object when the region
// is registered; each request that uses the region holds the mapping, so
// unregistering while requests run only unmaps once they are done.
// Registering and unregistering need --allow-client-shm; listing does not.
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"

namespace inferd {

struct SharedMemoryRegionInfo {
  std::string name;
  std::string key;
  uint64_t offset = 0;
  uint64_t byte_size = 0;
};

// Where an output goes: `byte_size` writable bytes at `data`, kept mapped by `owner`.
struct SharedMemoryOutput {
  std::string region;
  std::shared_ptr<void> owner;
  char* data = nullptr;
  uint64_t byte_size = 0;
};

class SharedMemoryRegistry {
 public:
  explicit SharedMemoryRegistry(bool allow_client_shm) : allowed_(allow_client_shm) {}

  Status Register(const std::string& name, const std::string& key, uint64_t offset, uint64_t byte_size);
  // Removes one region, or every region when `name` is empty; an unknown name is not an error.
  Status Unregister(const std::string& name);
  // One region, or every region when `name` is empty (NOT_FOUND for an unknown name).
  Status List(const std::string& name, std::vector<SharedMemoryRegionInfo>* regions) const;

  // The `byte_size` bytes at `offset` within region `name`, for an output
  // or, as a read-only view, an input (`what` names it in messages).
  Status OutputTarget(const std::string& what, const std::string& name, uint64_t offset, uint64_t byte_size,
                      SharedMemoryOutput* target) const;
  Status InputData(const std::string& what, const std::string& name, uint64_t offset, uint64_t byte_size,
                   Buffer* data) const;

 private:
  struct Region;

  const bool allowed_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Region>> regions_;
};

// Writes `output`'s bytes into `target`; INTERNAL when they do not fit.
Status CopyToSharedMemory(const Tensor& output, const SharedMemoryOutput& target);

}  // namespace inferd
