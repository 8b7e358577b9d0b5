// RepositoryPoller: model control mode "poll". A thread that calls
// ModelManager::Poll every `interval` until the poller is destroyed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "repository/model_manager.h"

namespace inferd {

class RepositoryPoller {
 public:
  // `models` must outlive the poller. The first poll comes one interval
  // after construction.
  RepositoryPoller(ModelManager* models, std::chrono::seconds interval);
  // Waits for a poll in progress to finish.
  ~RepositoryPoller();

  RepositoryPoller(const RepositoryPoller&) = delete;
  RepositoryPoller& operator=(const RepositoryPoller&) = delete;

 private:
  void Run();

  ModelManager* models_;
  std::chrono::seconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace inferd
