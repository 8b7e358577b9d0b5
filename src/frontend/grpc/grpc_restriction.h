// The gRPC side of --grpc-restricted-protocol: a call to a restricted group
// of methods must carry the restriction's key in its metadata, with exactly
// its value.
#pragma once

#include <grpcpp/grpcpp.h>

#include <string_view>

#include "core/status.h"
#include "frontend/api_restrictions.h"

namespace inferd {

// Ok, or the UNAVAILABLE status that refuses the call.
inline Status CheckRestriction(const ApiRestrictions& restrictions, ApiCategory category,
                               const grpc::ServerContext& context) {
  const ApiRestriction* restriction = restrictions.For(category);
  if (!restriction) return Status::Ok();
  auto [first, last] = context.client_metadata().equal_range(restriction->lower_header);
  for (auto it = first; it != last; ++it) {
    if (std::string_view(it->second.data(), it->second.size()) == restriction->value) return Status::Ok();
  }
  return Status::Unavailable("This protocol is restricted, expecting header '" + restriction->header + "'");
}

}  // namespace inferd
