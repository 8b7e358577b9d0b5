// OrderedDelivery: hands requests' responses on in the order the requests
// arrived (dynamic_batching preserve_ordering). A request's responses are
// held back until every earlier request has had its final response.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "core/inference.h"

namespace inferd {

class OrderedDelivery {
 public:
  using ResponseFn = std::function<void(Status, std::unique_ptr<InferenceResponse>, bool final)>;

  // Wraps the response callback of the next request in arrival order; the
  // caller must wrap requests in the order they arrived. The wrapper must
  // eventually be called with `final`.
  ResponseFn Wrap(ResponseFn deliver);

 private:
  struct Held {
    Status status;
    std::unique_ptr<InferenceResponse> response;
    bool final = false;
  };
  struct Request {
    ResponseFn deliver;
    std::vector<Held> held;
  };

  void OnResponse(uint64_t number, Held held);

  std::mutex mutex_;
  uint64_t next_number_ = 0;
  uint64_t next_to_deliver_ = 0;
  bool delivering_ = false;  // one thread delivers at a time, in order
  std::map<uint64_t, Request> requests_;
};

}  // namespace inferd
