// PyTorchInstance: one loaded copy of a TorchScript model, i.e. one
// torch::jit::Module of its own (instances never share a module). Loading
// and forwards run on the backend's ForwardThreads, so N instances run up to
// N forwards in parallel, as many as those threads allow.
//
// Create loads model.pt, maps configuration names to forward's arguments
// and result elements (torch_names.h) and fails with a message naming model
// and tensor when they do not fit. Execute:
//   - wraps each input's bytes as a tensor without copying (torch::from_blob;
//     the tensor keeps the request's Buffer alive, so an output that aliases
//     an input stays valid); misaligned data is copied once;
//   - runs forward under c10::InferenceMode (or no-grad when INFERENCE_MODE
//     is "false") with the graph optimiser as DISABLE_OPTIMIZED_EXECUTION says;
//   - applies a configured reshape (view) to inputs and outputs;
//   - accepts a tensor, or a tuple or list of tensors, as forward's result;
//     each output Buffer keeps its (contiguous) tensor alive, no copy;
//   - turns an exception inside forward into an INTERNAL error carrying the
//     libtorch message's useful line.
//
// Thread safety: Execute is called from the instance's one execution thread,
// which waits while a ForwardThreads thread runs the forward.
// Output Buffers may be released on any thread, at any time.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <torch/script.h>

#include "backends/backend.h"
#include "backends/pytorch/forward_threads.h"
#include "backends/pytorch/torch_names.h"
#include "backends/pytorch/torch_options.h"

namespace inferd::pytorch {

class PyTorchInstance : public ModelInstance {
 public:
  static Status Create(const ModelSpec& spec, const InstanceSpec& instance,
                       const TorchOptions& options, std::shared_ptr<ForwardThreads> forward_threads,
                       std::unique_ptr<ModelInstance>* out);

  Status Execute(const std::vector<Tensor>& inputs, const std::vector<std::string>& output_names,
                 std::vector<Tensor>* outputs) override;

 private:
  // `reshape`: the item shape to view the tensor as (an input's configured
  // reshape, an output's configured dims); empty when none is configured.
  struct InputBinding {
    size_t position = 0;
    DataType datatype = DataType::kInvalid;
    std::vector<int64_t> reshape;
    bool has_reshape = false;
  };
  struct OutputBinding {
    size_t position = 0;
    DataType datatype = DataType::kInvalid;
    std::vector<int64_t> reshape;
    bool has_reshape = false;
  };

  PyTorchInstance(std::string model_name, TorchOptions options, std::shared_ptr<ForwardThreads> forward_threads)
      : model_name_(std::move(model_name)), options_(options), forward_threads_(std::move(forward_threads)) {}

  Status Bind(const inference::ModelConfig& config);
  Status MakeInput(const Tensor& tensor, const InputBinding& binding, at::Tensor* out) const;
  Status RunForward(std::vector<c10::IValue> arguments, c10::IValue* result);
  Status Flatten(const c10::IValue& result, std::vector<at::Tensor>* tensors) const;
  Status MakeOutput(const std::string& name, const OutputBinding& binding,
                    const std::vector<at::Tensor>& results, Tensor* out) const;

  // The tensor's shape with its items viewed as `item_shape` (batch kept).
  std::vector<int64_t> Reshaped(at::IntArrayRef sizes, const std::vector<int64_t>& item_shape) const;

  std::string model_name_;
  TorchOptions options_;
  std::shared_ptr<ForwardThreads> forward_threads_;
  bool batching_ = false;
  torch::jit::Module module_;
  std::vector<c10::IValue> defaults_;  // per forward argument: its default, or None
  std::unordered_map<std::string, InputBinding> inputs_;
  std::unordered_map<std::string, OutputBinding> outputs_;
};

}  // namespace inferd::pytorch
