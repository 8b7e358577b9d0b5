// Model warmup: the config's `model_warmup` samples, run on each instance of
// a model version as it loads, before the version takes requests. A model
// whose first executions are slow (libtorch's profiling executor, memory
// allocated on first use, a Python model's lazy imports) pays for them at
// load time instead of on its first clients' requests.
//
// A sample is `batch_size` requests run as one execution, `count` times (at
// least once). Each input is zeros, random bytes, or the bytes of a file in
// the model's `warmup/` folder; a BYTES input of zeros or random data is
// empty strings. Every request is checked against the config as a client's
// would be. A sample that cannot be built or whose execution fails fails
// the load with "failed to run warmup sample '<name>': <reason>", as in
// Triton. A sample with batch_size 0 is skipped.
#pragma once

#include <string>

#include "backends/backend.h"
#include "model_config.pb.h"

namespace inferd {

// Runs every warmup sample of `config` on `instance`, in order.
Status WarmUpInstance(const ModelSpec& spec, const inference::ModelConfig& config, const std::string& instance_name,
                      ModelInstance* instance);

}  // namespace inferd
