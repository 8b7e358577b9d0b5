#include "core/background_tasks.h"

namespace inferd {

BackgroundTasks::~BackgroundTasks() { WaitAll(); }

void BackgroundTasks::WaitAll() {
  for (;;) {
    std::list<Task> tasks;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      tasks.swap(tasks_);
    }
    if (tasks.empty()) return;
    for (auto& task : tasks) task.thread.join();
  }
}

void BackgroundTasks::Run(std::function<void()> task) {
  std::list<Task> finished;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = tasks_.begin(); it != tasks_.end();) {
      if (!it->done->load()) {
        ++it;
        continue;
      }
      finished.splice(finished.end(), tasks_, it++);
    }
    auto done = std::make_shared<std::atomic<bool>>(false);
    tasks_.push_back({std::thread([task = std::move(task), done] {
                        task();
                        done->store(true);
                      }),
                      done});
  }
  for (auto& old : finished) old.thread.join();
}

}  // namespace inferd
