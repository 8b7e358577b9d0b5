// POSIX shared memory segments (/dev/shm) that carry tensors between the
// server and a Python stub.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/buffer.h"
#include "core/status.h"

namespace inferd {

// A mapped segment. Unmaps on destruction; unlinks the name too when it owns it.
class ShmSegment {
 public:
  // Creates `name` (which must not exist) with `size` bytes, mapped read-write.
  static Status Create(const std::string& name, size_t size, std::unique_ptr<ShmSegment>* out);
  // Maps an existing segment read-only and unlinks its name at once, so it
  // vanishes from /dev/shm as soon as the mapping is dropped.
  static Status OpenAndUnlink(const std::string& name, std::shared_ptr<ShmSegment>* out);

  ~ShmSegment();
  ShmSegment(const ShmSegment&) = delete;
  ShmSegment& operator=(const ShmSegment&) = delete;

  char* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& name() const { return name_; }

 private:
  ShmSegment(std::string name, char* data, size_t size, bool owns_name)
      : name_(std::move(name)), data_(data), size_(size), owns_name_(owns_name) {}

  std::string name_;
  char* data_;
  size_t size_;
  bool owns_name_;
};

// A view of [offset, offset + size) of a segment that keeps the mapping alive.
Buffer ShmView(const std::shared_ptr<ShmSegment>& segment, size_t offset, size_t size);

// Unlinks every segment in /dev/shm whose name starts with `prefix` (without
// the leading '/'): what a crashed stub, or an aborted server, left behind.
void UnlinkSegmentsWithPrefix(const std::string& prefix);

// "inferd_<pid>_": how the name of every segment this server process or its
// stubs make begins.
std::string ServerSegmentPrefix();

// Unlinks the segments of servers that no longer run: names that begin as
// ServerSegmentPrefix does with the pid of no process (a server killed with
// SIGKILL cannot remove its own). Returns their names.
std::vector<std::string> UnlinkSegmentsOfExitedServers();

}  // namespace inferd
