// The JSON of the system shared memory extension: a register request's body
// and the status reply.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/shared_memory.h"
#include "core/status.h"

namespace inferd {

// {"key": "<shm_open name>", "offset": N (default 0), "byte_size": N}
Status ReadSharedMemoryRegisterJson(const std::string& body, std::string* key, uint64_t* offset,
                                    uint64_t* byte_size);

// [{"name": ..., "key": ..., "offset": ..., "byte_size": ...}, ...]
std::string SharedMemoryStatusJson(const std::vector<SharedMemoryRegionInfo>& regions);

}  // namespace inferd
