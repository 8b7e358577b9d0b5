#include "core/shared_memory.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace inferd {
namespace {

// Keys the Python backend uses for its own segments.
constexpr const char kReservedKeyPrefix[] = "triton_python_backend_shm_region_";

Status Disabled() {
  return Status::Unsupported(
      "Client shared memory is disabled. Start the server with '--allow-client-shm=true' to enable.");
}

}  // namespace

// One registered region and the mapping of its object; unmapped when the last
// holder (the registry or a request) lets go.
struct SharedMemoryRegistry::Region {
  SharedMemoryRegionInfo info;
  char* mapping = nullptr;
  size_t mapped = 0;

  ~Region() {
    if (mapping) munmap(mapping, mapped);
  }
};

Status SharedMemoryRegistry::Register(const std::string& name, const std::string& key, uint64_t offset,
                                      uint64_t byte_size) {
  if (!allowed_) return Disabled();
  if (name.empty()) return Status::InvalidArg("a shared memory region needs a name");
  std::string bare_key = key.substr(key.rfind('/') == 0 ? 1 : 0);
  if (bare_key.rfind(kReservedKeyPrefix, 0) == 0) {
    return Status::InvalidArg("cannot register shared memory region '" + name + "': key '" + key +
                              "' is reserved for the Python backend");
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (regions_.count(name)) return Status::AlreadyExists("shared memory region '" + name + "' already in manager");
  }
  int fd = shm_open(key.c_str(), O_RDWR, 0);
  if (fd < 0) {
    return Status::InvalidArg("Unable to open shared memory region: '" + key + "': " + std::strerror(errno));
  }
  struct stat about {};
  fstat(fd, &about);
  uint64_t object_size = static_cast<uint64_t>(about.st_size);
  if (offset > object_size || byte_size > object_size - offset) {
    close(fd);
    return Status::InvalidArg("failed to register shared memory region '" + name + "': invalid args: offset " +
                              std::to_string(offset) + " + byte_size " + std::to_string(byte_size) +
                              " exceeds the " + std::to_string(object_size) + " bytes of '" + key + "'");
  }
  auto region = std::make_shared<Region>();
  region->info = {name, key, offset, byte_size};
  region->mapped = static_cast<size_t>(offset + byte_size);
  if (region->mapped > 0) {
    void* mapping = mmap(nullptr, region->mapped, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (mapping == MAP_FAILED) {
      int error = errno;
      close(fd);
      return Status::InvalidArg("Unable to map shared memory region: '" + key + "': " + std::strerror(error));
    }
    region->mapping = static_cast<char*>(mapping);
  }
  close(fd);
  std::lock_guard<std::mutex> lock(mutex_);
  if (!regions_.emplace(name, std::move(region)).second) {
    return Status::AlreadyExists("shared memory region '" + name + "' already in manager");
  }
  return Status::Ok();
}

Status SharedMemoryRegistry::Unregister(const std::string& name) {
  if (!allowed_) return Disabled();
  std::lock_guard<std::mutex> lock(mutex_);
  if (name.empty()) {
    regions_.clear();
  } else {
    regions_.erase(name);
  }
  return Status::Ok();
}

Status SharedMemoryRegistry::List(const std::string& name, std::vector<SharedMemoryRegionInfo>* regions) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!name.empty()) {
    auto found = regions_.find(name);
    if (found == regions_.end()) {
      return Status::NotFound("Unable to find system shared memory region: '" + name + "'");
    }
    regions->push_back(found->second->info);
    return Status::Ok();
  }
  for (const auto& [_, region] : regions_) regions->push_back(region->info);
  return Status::Ok();
}

Status SharedMemoryRegistry::OutputTarget(const std::string& what, const std::string& name, uint64_t offset,
                                          uint64_t byte_size, SharedMemoryOutput* target) const {
  std::shared_ptr<Region> region;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = regions_.find(name);
    if (found == regions_.end()) return Status::InvalidArg("Unable to find shared memory region: '" + name + "'");
    region = found->second;
  }
  const SharedMemoryRegionInfo& info = region->info;
  if (offset > info.byte_size || byte_size > info.byte_size - offset) {
    return Status::InvalidArg(what + " uses " + std::to_string(byte_size) + " bytes at offset " +
                              std::to_string(offset) + " of shared memory region '" + name + "', which has " +
                              std::to_string(info.byte_size) + " bytes");
  }
  char* start = region->mapping + info.offset + offset;
  *target = {name, std::move(region), start, byte_size};
  return Status::Ok();
}

Status SharedMemoryRegistry::InputData(const std::string& what, const std::string& name, uint64_t offset,
                                       uint64_t byte_size, Buffer* data) const {
  SharedMemoryOutput window;
  INFERD_RETURN_IF_ERROR(OutputTarget(what, name, offset, byte_size, &window));
  *data = Buffer(std::move(window.owner), window.data, static_cast<size_t>(byte_size));
  return Status::Ok();
}

Status CopyToSharedMemory(const Tensor& output, const SharedMemoryOutput& target) {
  if (output.data.size() > target.byte_size) {
    return Status::Internal("shared memory size specified with the request for output '" + output.name + "' (" +
                            std::to_string(target.byte_size) + " bytes) should be at least " +
                            std::to_string(output.data.size()) + " bytes to hold the results");
  }
  if (!output.data.empty()) std::memcpy(target.data, output.data.data(), output.data.size());
  return Status::Ok();
}

}  // namespace inferd
