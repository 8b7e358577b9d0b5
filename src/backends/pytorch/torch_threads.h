// libtorch's thread pools are process-wide: one intra-op count and one
// inter-op count for every model the server runs.
//
// ThreadSettings fixes them once: from --backend-config at backend creation
// when given there, else from the first pytorch model loaded (its
// INTRA_OP_THREAD_COUNT / INTER_OP_THREAD_COUNT parameters, or the defaults).
// Later models asking for other counts get a warning in the log naming the
// counts in force. Default intra-op count: 2 — Debian's libtorch uses a
// reference BLAS, and with one thread a ResNet-50 runs about 15x slower.
//
// Thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <string>

namespace inferd::pytorch {

constexpr int kDefaultIntraOpThreads = 2;

class ThreadSettings {
 public:
  // Applies the counts unless they are already fixed; warns, naming
  // `model_name`, when a count asked for differs from the one in force.
  void Apply(const std::string& model_name, std::optional<int> intra_op, std::optional<int> inter_op);

  // The intra-op count in force (after Apply).
  int intra_op() const;

  // Gives the calling thread the intra-op count `count`. OpenMP keeps the
  // count per thread, and oneDNN kernels read the calling thread's, so each
  // forward thread (forward_threads.h) calls this when it starts.
  static void UseOnThisThread(int count);

 private:
  mutable std::mutex mutex_;
  bool fixed_ = false;
  int intra_op_ = kDefaultIntraOpThreads;
  std::optional<int> inter_op_;
};

}  // namespace inferd::pytorch
