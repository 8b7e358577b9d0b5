// TaskThread: one thread of its own that runs posted tasks in order.
//
// A frontend hands it the calls that may block for a while (readiness checks
// ask the model instances, which may take seconds), so that the threads
// reading requests keep serving the others.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace inferd {

class TaskThread {
 public:
  TaskThread();
  // Runs the tasks still queued, then joins the thread.
  ~TaskThread();

  TaskThread(const TaskThread&) = delete;
  TaskThread& operator=(const TaskThread&) = delete;

  // Queues `task`; it runs after every task posted before it. Thread-safe.
  void Post(std::function<void()> task);

 private:
  void Run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace inferd
