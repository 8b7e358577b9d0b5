#include "backends/onnxruntime/ort_handles.h"

namespace inferd::ort {
namespace {

Status Convert(const OrtApi& api, OrtStatus* raw, std::string_view prefix, const StatusCode* code) {
  if (raw == nullptr) return Status::Ok();
  Owned<OrtStatus> status = Own(api, raw);
  const char* message = api.GetErrorMessage(status.get());
  std::string text(prefix);
  text += message ? message : "unknown ONNX Runtime error";
  if (code != nullptr) return Status(*code, std::move(text));
  StatusCode mapped = api.GetErrorCode(status.get()) == ErrorCode::kInvalidArgument
                          ? StatusCode::kInvalidArg
                          : StatusCode::kInternal;
  return Status(mapped, std::move(text));
}

}  // namespace

Status ToStatus(const OrtApi& api, OrtStatus* status, std::string_view prefix) {
  return Convert(api, status, prefix, nullptr);
}

Status ToStatus(const OrtApi& api, OrtStatus* status, std::string_view prefix, StatusCode code) {
  return Convert(api, status, prefix, &code);
}

}  // namespace inferd::ort
