#include "repository/owned_version.h"

#include <cassert>
#include <condition_variable>
#include <mutex>

namespace inferd {

struct OwnedVersion::Handover {
  std::mutex mutex;
  std::condition_variable released;
  ModelVersion* version = nullptr;  // set when the last reference is gone
};

OwnedVersion::OwnedVersion(std::unique_ptr<ModelVersion> version) : handover_(std::make_shared<Handover>()) {
  model_ = std::shared_ptr<ModelVersion>(version.release(), [handover = handover_](ModelVersion* released) {
    std::lock_guard<std::mutex> lock(handover->mutex);
    handover->version = released;
    handover->released.notify_all();
  });
}

OwnedVersion::~OwnedVersion() { Retire(); }

OwnedVersion& OwnedVersion::operator=(OwnedVersion&& other) noexcept {
  assert(!model_);
  Retire();
  model_ = std::move(other.model_);
  handover_ = std::move(other.handover_);
  return *this;
}

void OwnedVersion::Retire() {
  if (!handover_) return;
  model_.reset();
  ModelVersion* version;
  {
    std::unique_lock<std::mutex> lock(handover_->mutex);
    handover_->released.wait(lock, [this] { return handover_->version != nullptr; });
    version = handover_->version;
  }
  delete version;
  handover_.reset();
}

}  // namespace inferd

