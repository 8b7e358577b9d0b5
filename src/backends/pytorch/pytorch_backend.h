// The PyTorch backend: serves TorchScript models (model.pt) on the CPU
// through Debian's libtorch, as `platform: "pytorch_libtorch"` or
// `backend: "pytorch"`.
//
// Settings (--backend-config=pytorch,<key>=<value>):
//   intra-op-thread-count  libtorch intra-op threads for the whole process
//   inter-op-thread-count  libtorch inter-op threads for the whole process
// Without them, the first pytorch model loaded fixes the counts (see
// torch_threads.h; default 2 intra-op threads).
//
// Auto-complete: like Triton, the backend does not infer tensors from a
// TorchScript file; a configuration without inputs or outputs fails with a
// message showing what to write. See torch_options.h for the config
// parameters honoured, torch_names.h for tensor naming and
// pytorch_instance.h for execution.
//
// This header includes no libtorch header.
#pragma once

#include <memory>

#include "backends/backend.h"

namespace inferd {

Status CreatePyTorchBackend(const BackendSettings& settings, std::unique_ptr<Backend>* out);

}  // namespace inferd
