#include "repository/repository_poller.h"

namespace inferd {

RepositoryPoller::RepositoryPoller(ModelManager* models, std::chrono::seconds interval)
    : models_(models), interval_(interval), thread_([this] { Run(); }) {}

RepositoryPoller::~RepositoryPoller() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void RepositoryPoller::Run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    models_->Poll();
    lock.lock();
  }
}

}  // namespace inferd
