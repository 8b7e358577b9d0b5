// ForwardThreads: the threads on which every libtorch forward (and model
// load) of the process runs.
//
// libtorch's intra-op parallelism is OpenMP, and OpenMP gives each thread that
// calls into libtorch a team of intra-op threads of its own. libgomp spins in
// its barriers only while all the threads it manages fit on the machine's
// cores; once they do not, every barrier sleeps in the kernel instead. With
// each instance's execution thread calling forward itself, a second pytorch
// model on this 2-core machine (two teams of 2 threads) slowed every
// ResNet-50 forward from 56 to 70 ms, even while the other model sat idle.
// So instances hand their forwards to a shared set of threads: as many as fit
// on the cores with the process-wide intra-op count (cores / intra-op, at
// least one), or as many as the model with the most instances has, if more:
// a model's N instances still run N forwards at once as configured (2
// instances of ResNet-50 on 2 cores gave 17.0-17.9 img/s that way, 16.5 in
// turn), while forwards of different models take turns beyond that, in
// arrival order.
//
// Thread-safe. The destructor finishes the work handed over, then joins.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace inferd::pytorch {

class ForwardThreads {
 public:
  // `threads` threads, each using `intra_op` intra-op threads.
  ForwardThreads(int threads, int intra_op);
  ~ForwardThreads();

  ForwardThreads(const ForwardThreads&) = delete;
  ForwardThreads& operator=(const ForwardThreads&) = delete;

  // How many threads fit on this machine's cores with `intra_op` each.
  static int CountFor(int intra_op);

  // Adds threads until there are at least `threads`.
  void Grow(int threads);

  int size();

  // Runs `work` on one of the threads and returns when it is done; an
  // exception `work` throws is rethrown here.
  void Run(const std::function<void()>& work);

 private:
  struct Task;

  void Serve();

  const int intra_op_;
  std::mutex mutex_;
  std::condition_variable queued_;
  std::deque<Task*> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace inferd::pytorch
