// ApiRestrictions: which groups of endpoints need a request header with a
// given value (--http-restricted-api, --grpc-restricted-protocol).
//
// Each flag value reads "<category>[,<category>...]:<header>=<value>". A
// category names one group of endpoints, the same groups over HTTP and gRPC;
// a request to a restricted group must carry the header with exactly that
// value. A category may be restricted by one flag value only.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace inferd {

enum class ApiCategory {
  kHealth,           // live, ready, model ready, gRPC's health service
  kMetadata,         // server and model metadata
  kInference,        // infer, stream infer
  kSharedMemory,     // system and CUDA shared memory
  kModelConfig,      // model configuration
  kModelRepository,  // repository index, load, unload
  kStatistics,       // model statistics
  kTrace,            // trace settings
  kLogging,          // log settings
};

struct ApiRestriction {
  std::string header;        // as written on the command line, for messages
  std::string lower_header;  // lower-cased: HTTP header names and gRPC metadata keys
  std::string value;
};

class ApiRestrictions {
 public:
  // Adds one flag value; an error names what is wrong with it. `flag` names
  // the option in messages.
  Status Add(std::string_view flag, std::string_view spec);

  // The header a request to `category` must carry, or null when it is open.
  const ApiRestriction* For(ApiCategory category) const {
    const auto& entry = restrictions_[static_cast<size_t>(category)];
    return entry ? &*entry : nullptr;
  }

 private:
  std::array<std::optional<ApiRestriction>, 9> restrictions_;
};

}  // namespace inferd
