#include "perf/shared_memory_client.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace inferd::perf {

class SharedMemoryServerClient::PooledClient : public InferClient {
 public:
  PooledClient(std::unique_ptr<InferClient> inner, SharedMemoryServerClient* owner,
               std::vector<SharedMemoryOutput> set)
      : inner_(std::move(inner)), owner_(owner), set_(set) {
    inner_->UseSharedMemoryOutputs(std::move(set));
  }
  ~PooledClient() override { owner_->Release(std::move(set_)); }

  Status Infer(const InferPayload& payload, RequestTiming* timing) override { return inner_->Infer(payload, timing); }
  void UseSharedMemoryOutputs(std::vector<SharedMemoryOutput> outputs) override {
    inner_->UseSharedMemoryOutputs(std::move(outputs));
  }

 private:
  std::unique_ptr<InferClient> inner_;
  SharedMemoryServerClient* owner_;
  std::vector<SharedMemoryOutput> set_;
};

SharedMemoryServerClient::SharedMemoryServerClient(std::unique_ptr<ServerClient> inner,
                                                   std::vector<TensorInfo> outputs, size_t output_byte_size)
    : inner_(std::move(inner)),
      outputs_(std::move(outputs)),
      output_byte_size_(output_byte_size),
      prefix_("inferd_perf_" + std::to_string(getpid()) + "_") {}

SharedMemoryServerClient::~SharedMemoryServerClient() {
  for (const std::string& name : registered_) (void)inner_->UnregisterSystemSharedMemory(name);
}

Status SharedMemoryServerClient::AddRegion(const std::string& name, const std::string& data, size_t size) {
  const std::string key = "/" + name;
  auto failed = [&](const std::string& what) {
    std::string message = what + " shared memory object '" + key + "': " + std::strerror(errno);
    shm_unlink(key.c_str());
    return Status::Error(message);
  };
  int fd = shm_open(key.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600);
  if (fd < 0) return Status::Error("cannot create shared memory object '" + key + "': " + std::strerror(errno));
  bool written = ftruncate(fd, static_cast<off_t>(size)) == 0;
  if (written && !data.empty()) {
    void* map = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    written = map != MAP_FAILED;
    if (written) {
      std::memcpy(map, data.data(), data.size());
      munmap(map, size);
    }
  }
  close(fd);
  if (!written) return failed("cannot fill");
  Status status = inner_->RegisterSystemSharedMemory(name, key, size);
  // The server has mapped it: the name is no longer needed.
  shm_unlink(key.c_str());
  if (!status.ok()) return status;
  registered_.push_back(name);
  return Status::Ok();
}

Status SharedMemoryServerClient::Prepare(std::vector<InferPayload>* payloads, size_t workers) {
  for (size_t p = 0; p < payloads->size(); ++p) {
    for (size_t i = 0; i < (*payloads)[p].inputs.size(); ++i) {
      InputTensor& input = (*payloads)[p].inputs[i];
      std::string name = prefix_ + "in" + std::to_string(p) + "_" + std::to_string(i);
      Status status = AddRegion(name, input.data, input.data.size());
      if (!status.ok()) return status;
      input.shm_region = name;
    }
  }
  for (size_t w = 0; w < workers; ++w) {
    std::vector<SharedMemoryOutput> set;
    for (size_t o = 0; o < outputs_.size(); ++o) {
      std::string name = prefix_ + "out" + std::to_string(w) + "_" + std::to_string(o);
      Status status = AddRegion(name, "", output_byte_size_);
      if (!status.ok()) return status;
      set.push_back({outputs_[o].name, name, output_byte_size_});
    }
    free_sets_.push_back(std::move(set));
  }
  return Status::Ok();
}

std::unique_ptr<InferClient> SharedMemoryServerClient::NewInferClient() {
  std::vector<SharedMemoryOutput> set;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // Prepare made a set for every worker the run can have.
    if (!free_sets_.empty()) {
      set = std::move(free_sets_.back());
      free_sets_.pop_back();
    }
  }
  return std::make_unique<PooledClient>(inner_->NewInferClient(), this, std::move(set));
}

void SharedMemoryServerClient::Release(std::vector<SharedMemoryOutput> set) {
  if (set.empty()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  free_sets_.push_back(std::move(set));
}

}  // namespace inferd::perf
