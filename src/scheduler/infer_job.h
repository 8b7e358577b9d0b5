// InferJob: one validated request waiting for an execution instance.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/inference.h"
#include "core/model_stats.h"

namespace inferd {

// When a request passed each stage, for its statistics. Written by the
// server and the scheduler; read by the server at the final response.
struct RequestTimeline {
  uint64_t received_ns = 0;    // the server took the request
  uint64_t queued_ns = 0;      // handed to the scheduler
  uint64_t exec_start_ns = 0;  // an instance started on it; 0 if none did
  ComputeDurations compute;    // of the execution it was part of
  uint64_t batch_size = 1;     // inferences in the request
  FailureReason failure = FailureReason::kBackend;  // if it fails after queueing
};

struct InferJob {
  std::shared_ptr<const InferenceRequest> request;
  std::vector<std::string> output_names;  // what the instance must produce, in order
  // Receives the request's responses, the last one with `final` set.
  std::function<void(Status, std::unique_ptr<InferenceResponse>, bool final)> on_response;
  std::shared_ptr<RequestTimeline> timeline;  // never null
  std::shared_ptr<const RequestTrace> trace;  // null unless the request is traced
};

}  // namespace inferd
