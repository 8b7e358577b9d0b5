// Encoding and decoding the JSON headers of the stub protocol
// (src/python_stub/PROTOCOL.md): tensors with inline or shared memory data,
// responses, errors and BLS requests.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backends/python/shm_segment.h"
#include "core/inference.h"

namespace inferd {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// Where an encoder puts tensor bytes: in a shared memory segment (written at
// `shm_offset`, which advances) or appended to the frame's blob.
struct TensorSink {
  ShmSegment* shm = nullptr;
  size_t shm_offset = 0;
  std::vector<Buffer>* blob = nullptr;
  size_t blob_size = 0;
};

void WriteTensor(const Tensor& tensor, TensorSink* sink, JsonWriter* w);
void WriteParameters(const Parameters& parameters, JsonWriter* w);

// The segments a frame refers to, each opened (and unlinked) once.
class FrameSegments {
 public:
  Status Get(const std::string& name, std::shared_ptr<ShmSegment>* segment);

 private:
  std::map<std::string, std::shared_ptr<ShmSegment>> segments_;
};

Status ReadTensors(const rapidjson::Value& array, const Buffer& blob, FrameSegments* segments,
                   std::vector<Tensor>* tensors);

// A response object {outputs, parameters, error}. A model error becomes
// `model_error` (the call itself succeeds).
Status ReadResponse(const rapidjson::Value& value, const Buffer& blob, FrameSegments* segments,
                    InferenceResponse* response, Status* model_error);

// A BLS request object from the stub.
Status ReadBlsRequest(const rapidjson::Value& value, const Buffer& blob, FrameSegments* segments,
                      InferenceRequest* request);

// Status code <-> the names the stub uses ("INTERNAL", ...).
const char* StubErrorCodeName(StatusCode code);
StatusCode StubErrorCode(const std::string& name);

// Member access that tolerates absence and wrong types.
std::string JsonString(const rapidjson::Value& object, const char* key);
bool JsonBool(const rapidjson::Value& object, const char* key);  // false when absent
const rapidjson::Value* JsonMember(const rapidjson::Value& object, const char* key);

}  // namespace inferd
