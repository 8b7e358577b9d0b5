#include "backends/python/shm_segment.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>

namespace inferd {

namespace {
std::string Errno(const std::string& what, const std::string& name) {
  return what + " shared memory segment '" + name + "': " + std::strerror(errno);
}
}  // namespace

Status ShmSegment::Create(const std::string& name, size_t size, std::unique_ptr<ShmSegment>* out) {
  int fd = shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return Status::Internal(Errno("unable to create", name));
  if (ftruncate(fd, static_cast<off_t>(size)) != 0) {
    Status status = Status::Internal(Errno("unable to size", name));
    close(fd);
    shm_unlink(name.c_str());
    return status;
  }
  void* data = size ? mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : nullptr;
  close(fd);
  if (data == MAP_FAILED) {
    shm_unlink(name.c_str());
    return Status::Internal(Errno("unable to map", name));
  }
  out->reset(new ShmSegment(name, static_cast<char*>(data), size, true));
  return Status::Ok();
}

Status ShmSegment::OpenAndUnlink(const std::string& name, std::shared_ptr<ShmSegment>* out) {
  int fd = shm_open(name.c_str(), O_RDONLY, 0);
  if (fd < 0) return Status::Internal(Errno("unable to open", name));
  shm_unlink(name.c_str());
  struct stat info;
  if (fstat(fd, &info) != 0) {
    close(fd);
    return Status::Internal(Errno("unable to inspect", name));
  }
  size_t size = static_cast<size_t>(info.st_size);
  void* data = size ? mmap(nullptr, size, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0) : nullptr;
  close(fd);
  if (data == MAP_FAILED) return Status::Internal(Errno("unable to map", name));
  out->reset(new ShmSegment(name, static_cast<char*>(data), size, false));
  return Status::Ok();
}

ShmSegment::~ShmSegment() {
  if (data_) munmap(data_, size_);
  if (owns_name_) shm_unlink(name_.c_str());
}

Buffer ShmView(const std::shared_ptr<ShmSegment>& segment, size_t offset, size_t size) {
  return Buffer(segment, segment->data() + offset, size);
}

std::string ServerSegmentPrefix() { return "inferd_" + std::to_string(getpid()) + "_"; }

std::vector<std::string> UnlinkSegmentsOfExitedServers() {
  constexpr std::string_view kStart = "inferd_";
  std::vector<std::string> removed;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/dev/shm", ec)) {
    std::string name = entry.path().filename().string();
    if (name.compare(0, kStart.size(), kStart) != 0) continue;
    size_t digits_end = name.find('_', kStart.size());
    std::string_view digits = std::string_view(name).substr(kStart.size(), digits_end - kStart.size());
    if (digits_end == std::string::npos || digits.empty() || digits.size() > 9 ||
        digits.find_first_not_of("0123456789") != std::string_view::npos) {
      continue;
    }
    pid_t pid = static_cast<pid_t>(std::stol(std::string(digits)));
    // Only a pid that names no process at all: EPERM means one runs.
    if (kill(pid, 0) == 0 || errno != ESRCH) continue;
    if (shm_unlink(("/" + name).c_str()) == 0) removed.push_back(name);
  }
  return removed;
}

void UnlinkSegmentsWithPrefix(const std::string& prefix) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/dev/shm", ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0) shm_unlink(("/" + name).c_str());
  }
}

}  // namespace inferd
