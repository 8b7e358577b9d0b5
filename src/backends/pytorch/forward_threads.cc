#include "backends/pytorch/forward_threads.h"

#include <algorithm>
#include <exception>

#include "backends/pytorch/torch_threads.h"
#include "core/usable_cores.h"

namespace inferd::pytorch {

struct ForwardThreads::Task {
  const std::function<void()>* work = nullptr;
  std::exception_ptr error;
  bool done = false;
  std::condition_variable finished;
};

ForwardThreads::ForwardThreads(int threads, int intra_op) : intra_op_(intra_op) { Grow(std::max(1, threads)); }

void ForwardThreads::Grow(int threads) {
  std::lock_guard<std::mutex> lock(mutex_);
  while (static_cast<int>(threads_.size()) < threads) threads_.emplace_back([this] { Serve(); });
}

int ForwardThreads::size() {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int>(threads_.size());
}

ForwardThreads::~ForwardThreads() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  queued_.notify_all();
  for (std::thread& thread : threads_) thread.join();  // no Grow once destruction began
}

int ForwardThreads::CountFor(int intra_op) {
  return std::max(1, UsableCores() / std::max(1, intra_op));
}

void ForwardThreads::Run(const std::function<void()>& work) {
  Task task;
  task.work = &work;
  std::unique_lock<std::mutex> lock(mutex_);
  queue_.push_back(&task);
  queued_.notify_one();
  task.finished.wait(lock, [&] { return task.done; });
  if (task.error) std::rethrow_exception(task.error);
}

void ForwardThreads::Serve() {
  ThreadSettings::UseOnThisThread(intra_op_);
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    queued_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    Task* task = queue_.front();
    queue_.pop_front();
    lock.unlock();
    try {
      (*task->work)();
    } catch (...) {
      task->error = std::current_exception();
    }
    lock.lock();
    task->done = true;
    task->finished.notify_one();
  }
}

}  // namespace inferd::pytorch
