// Owning handles for ONNX Runtime objects and the conversion of an
// OrtStatus into our Status.
//
// Every object the library hands us is wrapped at once in one of these, so
// no early return can leak it. The deleters carry the function table they
// release through; the table is static inside the library, which is never
// unloaded.
//
// Thread safety: a handle is owned by one thread at a time, like the object
// it wraps.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "backends/onnxruntime/ort_api.h"
#include "core/status.h"

namespace inferd::ort {

// Releases any ONNX Runtime object through the matching Release entry.
struct OrtDeleter {
  const OrtApi* api = nullptr;
  void operator()(OrtStatus* p) const { api->ReleaseStatus(p); }
  void operator()(OrtValue* p) const { api->ReleaseValue(p); }
  void operator()(OrtSession* p) const { api->ReleaseSession(p); }
  void operator()(OrtSessionOptions* p) const { api->ReleaseSessionOptions(p); }
  void operator()(OrtTypeInfo* p) const { api->ReleaseTypeInfo(p); }
  void operator()(OrtTensorTypeAndShapeInfo* p) const { api->ReleaseTensorTypeAndShapeInfo(p); }
  void operator()(OrtMemoryInfo* p) const { api->ReleaseMemoryInfo(p); }
};

template <typename T>
using Owned = std::unique_ptr<T, OrtDeleter>;

// Takes ownership of `p` (which may be null).
template <typename T>
Owned<T> Own(const OrtApi& api, T* p) {
  return Owned<T>(p, OrtDeleter{&api});
}

// Converts and releases `status`: OK when it is null, otherwise a Status
// whose message is `prefix` followed by ONNX Runtime's message. The code is
// kInvalidArg for ORT_INVALID_ARGUMENT, kInternal for everything else
// unless `code` is given, in which case that code is used for any error.
Status ToStatus(const OrtApi& api, OrtStatus* status, std::string_view prefix);
Status ToStatus(const OrtApi& api, OrtStatus* status, std::string_view prefix, StatusCode code);

}  // namespace inferd::ort

// Returns from the enclosing function (which returns Status) when the ONNX
// Runtime call `expr` fails, with `prefix` before ONNX Runtime's message.
#define INFERD_RETURN_IF_ORT_ERROR(api, expr, prefix) \
  INFERD_RETURN_IF_ERROR(::inferd::ort::ToStatus((api), (expr), (prefix)))
