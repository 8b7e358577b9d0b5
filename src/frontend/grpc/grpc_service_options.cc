#include "frontend/grpc/grpc_service_options.h"

#include <string_view>

namespace inferd {
namespace {

std::string_view View(const grpc::string_ref& text) { return {text.data(), text.size()}; }

}  // namespace

Status CheckRestriction(const ApiRestrictions& restrictions, ApiCategory category,
                        const grpc::ServerContext& context) {
  const ApiRestriction* restriction = restrictions.For(category);
  if (!restriction) return Status::Ok();
  auto [first, last] = context.client_metadata().equal_range(restriction->lower_header);
  for (auto it = first; it != last; ++it) {
    if (View(it->second) == restriction->value) return Status::Ok();
  }
  return Status::Unavailable("This protocol is restricted, expecting header '" + restriction->header + "'");
}

Status ForwardHeaders(const HeaderForwarding& forwarding, const grpc::ServerContext& context,
                      InferenceRequest* request) {
  if (!forwarding.enabled()) return Status::Ok();
  for (const auto& [key, value] : context.client_metadata()) {
    INFERD_RETURN_IF_ERROR(forwarding.Forward(View(key), View(value), request));
  }
  return Status::Ok();
}

}  // namespace inferd
