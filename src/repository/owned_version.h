// OwnedVersion: the model manager's own reference to a loaded ModelVersion.
//
// Requests share the version (model()) and may hold it after the manager
// lets go of it; the last of them often finishes on one of the version's own
// execution threads, where the version's destructor could not stop and join
// those threads. So the version is never destroyed by whoever drops the last
// reference: that only hands it over, and the OwnedVersion's destructor,
// which waits for the hand-over, destroys it on the destroying thread. An
// OwnedVersion therefore blocks while requests of its version are in flight:
// destroy it without holding any lock that requests need.
#pragma once

#include <memory>

#include "repository/model_version.h"

namespace inferd {

class OwnedVersion {
 public:
  OwnedVersion() = default;
  explicit OwnedVersion(std::unique_ptr<ModelVersion> version);
  ~OwnedVersion();

  OwnedVersion(OwnedVersion&& other) noexcept = default;
  // Only onto an empty OwnedVersion: replacing a live one would block here.
  OwnedVersion& operator=(OwnedVersion&& other) noexcept;
  OwnedVersion(const OwnedVersion&) = delete;
  OwnedVersion& operator=(const OwnedVersion&) = delete;

  const std::shared_ptr<ModelVersion>& model() const { return model_; }
  explicit operator bool() const { return model_ != nullptr; }

  // Waits until no request holds the version, then destroys it; the
  // OwnedVersion is empty afterwards.
  void Retire();

 private:
  struct Handover;
  std::shared_ptr<ModelVersion> model_;
  std::shared_ptr<Handover> handover_;
};

}  // namespace inferd
