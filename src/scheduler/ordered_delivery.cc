#include "scheduler/ordered_delivery.h"

namespace inferd {

OrderedDelivery::ResponseFn OrderedDelivery::Wrap(ResponseFn deliver) {
  std::lock_guard<std::mutex> lock(mutex_);
  uint64_t number = next_number_++;
  requests_[number].deliver = std::move(deliver);
  return [this, number](Status status, std::unique_ptr<InferenceResponse> response, bool final) {
    OnResponse(number, Held{std::move(status), std::move(response), final});
  };
}

void OrderedDelivery::OnResponse(uint64_t number, Held held) {
  std::unique_lock<std::mutex> lock(mutex_);
  requests_[number].held.push_back(std::move(held));
  if (delivering_) return;  // the delivering thread will pick it up
  delivering_ = true;
  for (;;) {
    // Everything deliverable now: the held responses of the oldest
    // unfinished request, and of the following ones while they are finished.
    std::vector<std::pair<ResponseFn, Held>> ready;
    while (true) {
      auto it = requests_.find(next_to_deliver_);
      if (it == requests_.end() || it->second.held.empty()) break;
      bool finished = it->second.held.back().final;
      for (Held& h : it->second.held) ready.emplace_back(it->second.deliver, std::move(h));
      it->second.held.clear();
      if (!finished) break;
      requests_.erase(it);
      ++next_to_deliver_;
    }
    if (ready.empty()) {
      delivering_ = false;
      return;
    }
    lock.unlock();
    for (auto& [deliver, h] : ready) deliver(std::move(h.status), std::move(h.response), h.final);
    lock.lock();
  }
}

}  // namespace inferd

