// InferenceRequest and InferenceResponse: what flows through the core API,
// independent of the protocol a request arrived on.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/model_load_overrides.h"
#include "core/status.h"
#include "core/tensor.h"

namespace inferd {

class CustomMetricRegistry;
class RequestTrace;

// A request or response parameter value, as KServe allows them.
using ParameterValue = std::variant<bool, int64_t, uint64_t, double, std::string>;
using Parameters = std::vector<std::pair<std::string, ParameterValue>>;

struct RequestedOutput {
  std::string name;
  // Top-K classification instead of the raw tensor; 0 = raw tensor.
  uint32_t classification_count = 0;
};

// A moment a frontend noted for the request's trace, e.g. when it began
// reading the request ("HTTP_RECV_START"); a null name: none.
struct TraceStamp {
  const char* name = nullptr;
  uint64_t ns = 0;  // steady clock
};

struct InferenceRequest {
  std::string model_name;
  int64_t model_version = -1;  // -1: the highest READY version
  std::string id;
  Parameters parameters;  // custom request parameters, passed to the model
  std::vector<Tensor> inputs;
  std::vector<RequestedOutput> outputs;  // empty: every output of the model, raw
  // Set on a request a traced request made (an ensemble's step): it is traced
  // too, as a child of that trace.
  std::shared_ptr<const RequestTrace> parent_trace;
  // When the frontend began and finished reading the request; recorded in
  // the trace when the request is traced.
  TraceStamp received_start, received_end;
};

struct InferenceResponse {
  std::string model_name;
  int64_t model_version = 0;
  std::string id;
  Parameters parameters;
  std::vector<Tensor> outputs;
  // The request's trace when it is traced: the frontend adds its send
  // timestamps and lets it go once the answer is sent.
  std::shared_ptr<RequestTrace> trace;
};

// Called exactly once per request, on whichever thread finished it. On
// failure `response` is null.
using InferCallback = std::function<void(Status status, std::unique_ptr<InferenceResponse> response)>;

// Called for every response of a request, the last time with `final` set.
// A model that is not decoupled answers exactly once (final). A decoupled
// model answers any number of times; its final call may carry no response
// (status OK, `response` null: "no more responses"). A failed response has
// a null `response`.
using StreamCallback =
    std::function<void(Status status, std::unique_ptr<InferenceResponse> response, bool final)>;

// The server's inference entry points, for parts below the core API that
// call models themselves (ensemble steps, Python BLS). Filled once the
// server exists, before requests flow.
struct InferenceServices {
  std::function<void(std::unique_ptr<InferenceRequest>, StreamCallback)> infer;
  std::function<bool(const std::string& model, int64_t version)> is_model_ready;
  // Model control for Python models (pb_utils.load_model / unload_model):
  // they block until done and answer as the load and unload API does.
  std::function<Status(const std::string& model, const ModelLoadOverrides& overrides)> load_model;
  std::function<Status(const std::string& model, bool unload_dependents)> unload_model;
  // Requests the server is answering now (a load signal); null: unknown.
  std::function<int64_t()> requests_in_flight;
  // Where models' own metrics (Python MetricFamily) are kept; null: none.
  CustomMetricRegistry* custom_metrics = nullptr;
};

}  // namespace inferd
