// ort_api.h: the part of ONNX Runtime's C API that inferd calls.
//
// ONNX Runtime exposes one exported symbol, OrtGetApiBase(). It returns a
// small struct whose GetApi(version) hands out a table of function pointers
// (the "OrtApi"). The table is append-only across releases: an entry keeps
// its position forever, so a caller that knows an entry's position and
// signature can call it on any release that is new enough.
//
// ONNX Runtime ships no header we can install, so this file declares, in our
// own words, only what the backend uses: opaque handle types, the enum values
// that cross the boundary, each entry's position in the table, and a typed
// wrapper (OrtApi) that calls an entry by position with its exact signature.
// Positions were counted from the public onnxruntime_c_api.h and checked
// against the static_asserts ONNX Runtime keeps on its own table (e.g.
// ReleaseCustomOpDomain at 101, ReleaseModelMetadata at 118,
// CreateSessionFromArrayWithPrepackedWeightsContainer at 169), and at run
// time against the 1.22 library.
//
// Thread safety: OrtApi is an immutable view of a static table; calling it
// from any thread is as safe as the entry called (see ONNX Runtime's rules:
// sessions may Run concurrently, values may not be shared while written).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

namespace inferd::ort {

// Opaque handles. Only ever used as pointers handed back to the library.
struct OrtEnv;
struct OrtStatus;
struct OrtMemoryInfo;
struct OrtSession;
struct OrtValue;
struct OrtRunOptions;
struct OrtTypeInfo;
struct OrtTensorTypeAndShapeInfo;
struct OrtSessionOptions;
struct OrtAllocator;

// The version of the table we ask for. The newest entry we call,
// GetResizedStringTensorElementBuffer, is present from this version on.
inline constexpr uint32_t kRequiredApiVersion = 16;

// ONNX tensor element types (values of ONNXTensorElementDataType, which
// follow onnx.TensorProto.DataType).
enum class ElementType : int {
  kUndefined = 0,
  kFloat = 1,
  kUint8 = 2,
  kInt8 = 3,
  kUint16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kDouble = 11,
  kUint32 = 12,
  kUint64 = 13,
  kComplex64 = 14,
  kComplex128 = 15,
  kBfloat16 = 16,
};

// Kinds of value (ONNXType).
enum class ValueKind : int {
  kUnknown = 0,
  kTensor = 1,
  kSequence = 2,
  kMap = 3,
  kOpaque = 4,
  kSparseTensor = 5,
  kOptional = 6,
};

// OrtLoggingLevel.
enum class LoggingLevel : int {
  kVerbose = 0,
  kInfo = 1,
  kWarning = 2,
  kError = 3,
  kFatal = 4,
};

// OrtErrorCode.
enum class ErrorCode : int {
  kOk = 0,
  kFail = 1,
  kInvalidArgument = 2,
  kNoSuchFile = 3,
  kNoModel = 4,
  kEngineError = 5,
  kRuntimeException = 6,
  kInvalidProtobuf = 7,
  kModelLoaded = 8,
  kNotImplemented = 9,
  kInvalidGraph = 10,
  kEpFail = 11,
};

// GraphOptimizationLevel.
enum class GraphOptimization : int {
  kDisableAll = 0,
  kBasic = 1,
  kExtended = 2,
  kAll = 99,
};

// ExecutionMode.
enum class ExecutionMode : int {
  kSequential = 0,
  kParallel = 1,
};

// OrtAllocatorType.
enum class AllocatorType : int {
  kInvalid = -1,
  kDevice = 0,
  kArena = 1,
};

// OrtMemType.
enum class MemType : int {
  kCpuInput = -2,
  kCpuOutput = -1,
  kDefault = 0,
};

// The struct OrtGetApiBase() returns: two function pointers, in this order.
struct OrtApiBase {
  const void* (*GetApi)(uint32_t version) noexcept;
  const char* (*GetVersionString)() noexcept;
};

// Name of the one symbol the library exports that we look up.
inline constexpr const char* kGetApiBaseSymbol = "OrtGetApiBase";
using GetApiBaseFn = const OrtApiBase* (*)() noexcept;

// Position of each entry we call, counted from the start of the table.
namespace slot {
inline constexpr size_t kCreateStatus = 0;
inline constexpr size_t kGetErrorCode = 1;
inline constexpr size_t kGetErrorMessage = 2;
inline constexpr size_t kCreateEnv = 3;
inline constexpr size_t kCreateSession = 7;
inline constexpr size_t kRun = 9;
inline constexpr size_t kCreateSessionOptions = 10;
inline constexpr size_t kSetSessionExecutionMode = 13;
inline constexpr size_t kEnableMemPattern = 16;
inline constexpr size_t kDisableMemPattern = 17;
inline constexpr size_t kEnableCpuMemArena = 18;
inline constexpr size_t kDisableCpuMemArena = 19;
inline constexpr size_t kSetSessionGraphOptimizationLevel = 23;
inline constexpr size_t kSetIntraOpNumThreads = 24;
inline constexpr size_t kSetInterOpNumThreads = 25;
inline constexpr size_t kSessionGetInputCount = 30;
inline constexpr size_t kSessionGetOutputCount = 31;
inline constexpr size_t kSessionGetInputTypeInfo = 33;
inline constexpr size_t kSessionGetOutputTypeInfo = 34;
inline constexpr size_t kSessionGetInputName = 36;
inline constexpr size_t kSessionGetOutputName = 37;
inline constexpr size_t kCreateTensorAsOrtValue = 48;
inline constexpr size_t kCreateTensorWithDataAsOrtValue = 49;
inline constexpr size_t kGetTensorMutableData = 51;
inline constexpr size_t kGetStringTensorDataLength = 53;
inline constexpr size_t kGetStringTensorContent = 54;
inline constexpr size_t kCastTypeInfoToTensorInfo = 55;
inline constexpr size_t kGetOnnxTypeFromTypeInfo = 56;
inline constexpr size_t kGetTensorElementType = 60;
inline constexpr size_t kGetDimensionsCount = 61;
inline constexpr size_t kGetDimensions = 62;
inline constexpr size_t kGetSymbolicDimensions = 63;
inline constexpr size_t kGetTensorShapeElementCount = 64;
inline constexpr size_t kGetTensorTypeAndShape = 65;
inline constexpr size_t kGetValueType = 67;
inline constexpr size_t kCreateCpuMemoryInfo = 69;
inline constexpr size_t kAllocatorFree = 76;
inline constexpr size_t kGetAllocatorWithDefaultOptions = 78;
inline constexpr size_t kReleaseEnv = 92;
inline constexpr size_t kReleaseStatus = 93;
inline constexpr size_t kReleaseMemoryInfo = 94;
inline constexpr size_t kReleaseSession = 95;
inline constexpr size_t kReleaseValue = 96;
inline constexpr size_t kReleaseTypeInfo = 98;
inline constexpr size_t kReleaseTensorTypeAndShapeInfo = 99;
inline constexpr size_t kReleaseSessionOptions = 100;
inline constexpr size_t kAddSessionConfigEntry = 130;
inline constexpr size_t kRegisterCustomOpsLibraryV2 = 228;
inline constexpr size_t kGetResizedStringTensorElementBuffer = 252;
inline constexpr size_t kGetBuildInfoString = 254;
}  // namespace slot

// A typed view of the function table. Each member calls the entry at its
// position with the signature the public header gives it. Functions that
// return OrtStatus* return nullptr on success; the caller owns any non-null
// status and releases it with ReleaseStatus.
class OrtApi {
  // The table's entries, typed as the one function type that converts to
  // any other function pointer type without a cast warning.
  using AnyFn = void (*)();

 public:
  explicit OrtApi(const void* table) : slots_(static_cast<const AnyFn*>(table)) {}

  // Errors.
  OrtStatus* CreateStatus(ErrorCode code, const char* msg) const {
    return Call<slot::kCreateStatus, OrtStatus*(ErrorCode, const char*)>(code, msg);
  }
  ErrorCode GetErrorCode(const OrtStatus* status) const {
    return Call<slot::kGetErrorCode, ErrorCode(const OrtStatus*)>(status);
  }
  const char* GetErrorMessage(const OrtStatus* status) const {
    return Call<slot::kGetErrorMessage, const char*(const OrtStatus*)>(status);
  }

  // Environment.
  OrtStatus* CreateEnv(LoggingLevel level, const char* log_id, OrtEnv** out) const {
    return Call<slot::kCreateEnv, OrtStatus*(LoggingLevel, const char*, OrtEnv**)>(level, log_id,
                                                                                   out);
  }

  // Sessions.
  OrtStatus* CreateSession(const OrtEnv* env, const char* model_path,
                           const OrtSessionOptions* options, OrtSession** out) const {
    return Call<slot::kCreateSession,
                OrtStatus*(const OrtEnv*, const char*, const OrtSessionOptions*, OrtSession**)>(
        env, model_path, options, out);
  }
  OrtStatus* Run(OrtSession* session, const OrtRunOptions* run_options,
                 const char* const* input_names, const OrtValue* const* inputs, size_t input_count,
                 const char* const* output_names, size_t output_count, OrtValue** outputs) const {
    return Call<slot::kRun, OrtStatus*(OrtSession*, const OrtRunOptions*, const char* const*,
                                       const OrtValue* const*, size_t, const char* const*, size_t,
                                       OrtValue**)>(session, run_options, input_names, inputs,
                                                    input_count, output_names, output_count,
                                                    outputs);
  }
  OrtStatus* SessionGetInputCount(const OrtSession* session, size_t* out) const {
    return Call<slot::kSessionGetInputCount, OrtStatus*(const OrtSession*, size_t*)>(session, out);
  }
  OrtStatus* SessionGetOutputCount(const OrtSession* session, size_t* out) const {
    return Call<slot::kSessionGetOutputCount, OrtStatus*(const OrtSession*, size_t*)>(session, out);
  }
  OrtStatus* SessionGetInputTypeInfo(const OrtSession* session, size_t index,
                                     OrtTypeInfo** out) const {
    return Call<slot::kSessionGetInputTypeInfo,
                OrtStatus*(const OrtSession*, size_t, OrtTypeInfo**)>(session, index, out);
  }
  OrtStatus* SessionGetOutputTypeInfo(const OrtSession* session, size_t index,
                                      OrtTypeInfo** out) const {
    return Call<slot::kSessionGetOutputTypeInfo,
                OrtStatus*(const OrtSession*, size_t, OrtTypeInfo**)>(session, index, out);
  }
  // The name is allocated with `allocator`; free it with AllocatorFree.
  OrtStatus* SessionGetInputName(const OrtSession* session, size_t index, OrtAllocator* allocator,
                                 char** out) const {
    return Call<slot::kSessionGetInputName, OrtStatus*(const OrtSession*, size_t, OrtAllocator*,
                                                       char**)>(session, index, allocator, out);
  }
  OrtStatus* SessionGetOutputName(const OrtSession* session, size_t index, OrtAllocator* allocator,
                                  char** out) const {
    return Call<slot::kSessionGetOutputName, OrtStatus*(const OrtSession*, size_t, OrtAllocator*,
                                                        char**)>(session, index, allocator, out);
  }

  // Session options.
  OrtStatus* CreateSessionOptions(OrtSessionOptions** out) const {
    return Call<slot::kCreateSessionOptions, OrtStatus*(OrtSessionOptions**)>(out);
  }
  OrtStatus* SetSessionExecutionMode(OrtSessionOptions* options, ExecutionMode mode) const {
    return Call<slot::kSetSessionExecutionMode, OrtStatus*(OrtSessionOptions*, ExecutionMode)>(
        options, mode);
  }
  OrtStatus* EnableMemPattern(OrtSessionOptions* options) const {
    return Call<slot::kEnableMemPattern, OrtStatus*(OrtSessionOptions*)>(options);
  }
  OrtStatus* DisableMemPattern(OrtSessionOptions* options) const {
    return Call<slot::kDisableMemPattern, OrtStatus*(OrtSessionOptions*)>(options);
  }
  OrtStatus* EnableCpuMemArena(OrtSessionOptions* options) const {
    return Call<slot::kEnableCpuMemArena, OrtStatus*(OrtSessionOptions*)>(options);
  }
  OrtStatus* DisableCpuMemArena(OrtSessionOptions* options) const {
    return Call<slot::kDisableCpuMemArena, OrtStatus*(OrtSessionOptions*)>(options);
  }
  OrtStatus* SetSessionGraphOptimizationLevel(OrtSessionOptions* options,
                                              GraphOptimization level) const {
    return Call<slot::kSetSessionGraphOptimizationLevel,
                OrtStatus*(OrtSessionOptions*, GraphOptimization)>(options, level);
  }
  OrtStatus* SetIntraOpNumThreads(OrtSessionOptions* options, int threads) const {
    return Call<slot::kSetIntraOpNumThreads, OrtStatus*(OrtSessionOptions*, int)>(options, threads);
  }
  OrtStatus* SetInterOpNumThreads(OrtSessionOptions* options, int threads) const {
    return Call<slot::kSetInterOpNumThreads, OrtStatus*(OrtSessionOptions*, int)>(options, threads);
  }
  OrtStatus* AddSessionConfigEntry(OrtSessionOptions* options, const char* key,
                                   const char* value) const {
    return Call<slot::kAddSessionConfigEntry,
                OrtStatus*(OrtSessionOptions*, const char*, const char*)>(options, key, value);
  }
  OrtStatus* RegisterCustomOpsLibraryV2(OrtSessionOptions* options, const char* path) const {
    return Call<slot::kRegisterCustomOpsLibraryV2, OrtStatus*(OrtSessionOptions*, const char*)>(
        options, path);
  }

  // Values and tensors.
  OrtStatus* CreateTensorAsOrtValue(OrtAllocator* allocator, const int64_t* shape, size_t shape_len,
                                    ElementType type, OrtValue** out) const {
    return Call<slot::kCreateTensorAsOrtValue,
                OrtStatus*(OrtAllocator*, const int64_t*, size_t, ElementType, OrtValue**)>(
        allocator, shape, shape_len, type, out);
  }
  // Wraps caller memory; the memory must outlive the value.
  OrtStatus* CreateTensorWithDataAsOrtValue(const OrtMemoryInfo* info, void* data, size_t data_len,
                                            const int64_t* shape, size_t shape_len,
                                            ElementType type, OrtValue** out) const {
    return Call<slot::kCreateTensorWithDataAsOrtValue,
                OrtStatus*(const OrtMemoryInfo*, void*, size_t, const int64_t*, size_t, ElementType,
                           OrtValue**)>(info, data, data_len, shape, shape_len, type, out);
  }
  OrtStatus* GetTensorMutableData(OrtValue* value, void** out) const {
    return Call<slot::kGetTensorMutableData, OrtStatus*(OrtValue*, void**)>(value, out);
  }
  OrtStatus* GetStringTensorDataLength(const OrtValue* value, size_t* len) const {
    return Call<slot::kGetStringTensorDataLength, OrtStatus*(const OrtValue*, size_t*)>(value, len);
  }
  // Copies all strings back to back into `s` and the start of each into
  // `offsets`.
  OrtStatus* GetStringTensorContent(const OrtValue* value, void* s, size_t s_len, size_t* offsets,
                                    size_t offsets_len) const {
    return Call<slot::kGetStringTensorContent,
                OrtStatus*(const OrtValue*, void*, size_t, size_t*, size_t)>(value, s, s_len,
                                                                             offsets, offsets_len);
  }
  // Resizes string element `index` to `length` bytes and returns where to
  // write them (embedded NULs allowed).
  OrtStatus* GetResizedStringTensorElementBuffer(OrtValue* value, size_t index, size_t length,
                                                 char** buffer) const {
    return Call<slot::kGetResizedStringTensorElementBuffer,
                OrtStatus*(OrtValue*, size_t, size_t, char**)>(value, index, length, buffer);
  }
  OrtStatus* GetValueType(const OrtValue* value, ValueKind* out) const {
    return Call<slot::kGetValueType, OrtStatus*(const OrtValue*, ValueKind*)>(value, out);
  }
  OrtStatus* GetTensorTypeAndShape(const OrtValue* value, OrtTensorTypeAndShapeInfo** out) const {
    return Call<slot::kGetTensorTypeAndShape,
                OrtStatus*(const OrtValue*, OrtTensorTypeAndShapeInfo**)>(value, out);
  }

  // Type information.
  // `out` points into `type_info` and must not be released.
  OrtStatus* CastTypeInfoToTensorInfo(const OrtTypeInfo* type_info,
                                      const OrtTensorTypeAndShapeInfo** out) const {
    return Call<slot::kCastTypeInfoToTensorInfo,
                OrtStatus*(const OrtTypeInfo*, const OrtTensorTypeAndShapeInfo**)>(type_info, out);
  }
  OrtStatus* GetOnnxTypeFromTypeInfo(const OrtTypeInfo* type_info, ValueKind* out) const {
    return Call<slot::kGetOnnxTypeFromTypeInfo, OrtStatus*(const OrtTypeInfo*, ValueKind*)>(
        type_info, out);
  }
  OrtStatus* GetTensorElementType(const OrtTensorTypeAndShapeInfo* info, ElementType* out) const {
    return Call<slot::kGetTensorElementType,
                OrtStatus*(const OrtTensorTypeAndShapeInfo*, ElementType*)>(info, out);
  }
  OrtStatus* GetDimensionsCount(const OrtTensorTypeAndShapeInfo* info, size_t* out) const {
    return Call<slot::kGetDimensionsCount, OrtStatus*(const OrtTensorTypeAndShapeInfo*, size_t*)>(
        info, out);
  }
  OrtStatus* GetDimensions(const OrtTensorTypeAndShapeInfo* info, int64_t* dims,
                           size_t dims_len) const {
    return Call<slot::kGetDimensions, OrtStatus*(const OrtTensorTypeAndShapeInfo*, int64_t*,
                                                 size_t)>(info, dims, dims_len);
  }
  // Fills one name per dimension ("" where the dimension has no name).
  OrtStatus* GetSymbolicDimensions(const OrtTensorTypeAndShapeInfo* info, const char** names,
                                   size_t names_len) const {
    return Call<slot::kGetSymbolicDimensions,
                OrtStatus*(const OrtTensorTypeAndShapeInfo*, const char**, size_t)>(info, names,
                                                                                    names_len);
  }
  OrtStatus* GetTensorShapeElementCount(const OrtTensorTypeAndShapeInfo* info, size_t* out) const {
    return Call<slot::kGetTensorShapeElementCount,
                OrtStatus*(const OrtTensorTypeAndShapeInfo*, size_t*)>(info, out);
  }

  // Memory.
  OrtStatus* CreateCpuMemoryInfo(AllocatorType type, MemType mem_type, OrtMemoryInfo** out) const {
    return Call<slot::kCreateCpuMemoryInfo, OrtStatus*(AllocatorType, MemType, OrtMemoryInfo**)>(
        type, mem_type, out);
  }
  OrtStatus* AllocatorFree(OrtAllocator* allocator, void* p) const {
    return Call<slot::kAllocatorFree, OrtStatus*(OrtAllocator*, void*)>(allocator, p);
  }
  // The default CPU allocator; owned by the library, never released.
  OrtStatus* GetAllocatorWithDefaultOptions(OrtAllocator** out) const {
    return Call<slot::kGetAllocatorWithDefaultOptions, OrtStatus*(OrtAllocator**)>(out);
  }

  // Releases (each accepts nullptr).
  void ReleaseEnv(OrtEnv* p) const { Call<slot::kReleaseEnv, void(OrtEnv*)>(p); }
  void ReleaseStatus(OrtStatus* p) const { Call<slot::kReleaseStatus, void(OrtStatus*)>(p); }
  void ReleaseMemoryInfo(OrtMemoryInfo* p) const {
    Call<slot::kReleaseMemoryInfo, void(OrtMemoryInfo*)>(p);
  }
  void ReleaseSession(OrtSession* p) const { Call<slot::kReleaseSession, void(OrtSession*)>(p); }
  void ReleaseValue(OrtValue* p) const { Call<slot::kReleaseValue, void(OrtValue*)>(p); }
  void ReleaseTypeInfo(OrtTypeInfo* p) const {
    Call<slot::kReleaseTypeInfo, void(OrtTypeInfo*)>(p);
  }
  void ReleaseTensorTypeAndShapeInfo(OrtTensorTypeAndShapeInfo* p) const {
    Call<slot::kReleaseTensorTypeAndShapeInfo, void(OrtTensorTypeAndShapeInfo*)>(p);
  }
  void ReleaseSessionOptions(OrtSessionOptions* p) const {
    Call<slot::kReleaseSessionOptions, void(OrtSessionOptions*)>(p);
  }

  // Build description ("ORT Build Info: ..."); used to check the table.
  const char* GetBuildInfoString() const {
    return Call<slot::kGetBuildInfoString, const char*()>();
  }

 private:
  // Calls entry kSlot as a function of type Signature.
  template <size_t kSlot, typename Signature, typename... Args>
  auto Call(Args... args) const -> decltype(std::declval<Signature*>()(args...)) {
    return reinterpret_cast<Signature*>(slots_[kSlot])(args...);
  }

  const AnyFn* slots_;
};

}  // namespace inferd::ort
