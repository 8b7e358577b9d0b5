// BackgroundTasks: runs calls that may take long (model loads and unloads)
// on threads of their own, so that frontend threads stay free. The
// destructor waits for the calls still running.
#pragma once

#include <atomic>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <thread>

namespace inferd {

class BackgroundTasks {
 public:
  BackgroundTasks() = default;
  ~BackgroundTasks();

  BackgroundTasks(const BackgroundTasks&) = delete;
  BackgroundTasks& operator=(const BackgroundTasks&) = delete;

  void Run(std::function<void()> task);

  // Waits until every task started so far has finished.
  void WaitAll();

 private:
  struct Task {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::mutex mutex_;
  std::list<Task> tasks_;
};

}  // namespace inferd
