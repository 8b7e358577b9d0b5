#include "backends/pytorch/torch_threads.h"

#include <ATen/Parallel.h>

#include "core/logging.h"

namespace inferd::pytorch {

void ThreadSettings::Apply(const std::string& model_name, std::optional<int> intra_op,
                           std::optional<int> inter_op) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (fixed_) {
    if (intra_op && *intra_op != intra_op_) {
      LOG_WARNING << "pytorch model '" << model_name << "' asks for " << *intra_op
                  << " intra-op threads; libtorch's thread counts are process-wide and stay at "
                  << intra_op_;
    }
    if (inter_op && inter_op != inter_op_) {
      LOG_WARNING << "pytorch model '" << model_name << "' asks for " << *inter_op
                  << " inter-op threads; libtorch's thread counts are process-wide and stay as set first";
    }
    return;
  }
  fixed_ = true;
  intra_op_ = intra_op.value_or(kDefaultIntraOpThreads);
  at::set_num_threads(intra_op_);
  if (inter_op) {
    try {
      at::set_num_interop_threads(*inter_op);
      inter_op_ = inter_op;
    } catch (const std::exception& error) {
      LOG_WARNING << "libtorch refused the inter-op thread count " << *inter_op << ": "
                  << error.what();
    }
  }
  LOG_INFO << "pytorch backend: libtorch uses " << intra_op_ << " intra-op thread(s)"
           << (inter_op_ ? " and " + std::to_string(*inter_op_) + " inter-op thread(s)" : "");
}

int ThreadSettings::intra_op() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return intra_op_;
}

void ThreadSettings::UseOnThisThread(int count) {
  thread_local int applied = 0;
  if (applied == count) return;
  at::set_num_threads(count);
  applied = count;
}

}  // namespace inferd::pytorch
