// OnnxRuntimeInstance: one loaded copy of an ONNX model, i.e. one ONNX
// Runtime session.
//
// Created at load time (Create checks the configuration against the model
// and fails with a message naming model, tensor, expected and got). Execute
// runs the session on a batch:
//   - fixed-size inputs are handed to ONNX Runtime in place when their data
//     is aligned to the element size, else copied once into aligned memory;
//   - BYTES inputs become ONNX string tensors element by element (embedded
//     NULs survive);
//   - only the requested outputs are computed; ONNX Runtime allocates them
//     and each output Buffer keeps its OrtValue alive, so the bytes reach the
//     socket without a copy (BYTES outputs are converted to the length-
//     prefixed form);
//   - a configured reshape is applied on the way in and undone on the way out.
//
// Thread safety: Execute is called from the instance's one execution thread;
// it keeps no state between calls besides the session. Output Buffers may be
// released on any thread, at any time, even after the instance is gone.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "backends/backend.h"
#include "backends/onnxruntime/ort_handles.h"
#include "backends/onnxruntime/ort_library.h"
#include "backends/onnxruntime/ort_model_io.h"

namespace inferd::ort {

class OnnxRuntimeInstance : public ModelInstance {
 public:
  static Status Create(std::shared_ptr<const OrtLibrary> library, const ModelSpec& spec,
                       const InstanceSpec& instance, std::unique_ptr<ModelInstance>* out);

  Status Execute(const std::vector<Tensor>& inputs, const std::vector<std::string>& output_names,
                 std::vector<Tensor>* outputs) override;

  // A session runs from any thread; the instance keeps no per-thread state.
  bool RunsOnAnyThread() const override { return true; }

 private:
  // How a tensor's API shape maps to the shape the model sees.
  struct ShapeMapping {
    bool reshape = false;  // the configuration has a reshape
    Shape model_dims;      // reshape shape (model side), without batch dimension
    Shape config_dims;     // configuration dims (API side), without batch dimension
    bool scalar = false;   // model scalar stated as dims [1] without reshape
  };
  struct InputBinding {
    std::string name;
    DataType datatype = DataType::kInvalid;
    ShapeMapping mapping;
  };
  struct OutputBinding {
    std::string name;
    ShapeMapping mapping;
  };

  OnnxRuntimeInstance(std::shared_ptr<const OrtLibrary> library, std::string model_name)
      : library_(std::move(library)), api_(library_->api()), model_name_(std::move(model_name)) {}

  Status Bind(const inference::ModelConfig& config, const ModelSignature& signature);
  Status MakeInputValue(const Tensor& tensor, const InputBinding& binding,
                        std::vector<std::unique_ptr<char[]>>* copies, Owned<OrtValue>* out) const;
  Status MakeStringValue(const Tensor& tensor, const Shape& shape, int64_t count,
                         Owned<OrtValue>* out) const;
  Status ReadOutput(Owned<OrtValue> value, const OutputBinding& binding, Tensor* out) const;
  // Keeps the batch dimension (when batching) and reshapes the rest of
  // `shape` to `item_dims`, whose -1 takes the remaining element count.
  bool ReshapeItems(const Shape& shape, const Shape& item_dims, Shape* out) const;
  Status ModelShape(const std::string& name, const ShapeMapping& mapping, const Shape& api_shape,
                    Shape* out) const;
  Status ApiShape(const std::string& name, const ShapeMapping& mapping, const Shape& model_shape,
                  Shape* out) const;
  Status Failure(OrtStatus* status) const;

  std::shared_ptr<const OrtLibrary> library_;
  const OrtApi& api_;
  std::string model_name_;
  bool batching_ = false;
  Owned<OrtSession> session_;
  Owned<OrtMemoryInfo> cpu_memory_;
  OrtAllocator* allocator_ = nullptr;  // ONNX Runtime's default; not owned
  std::unordered_map<std::string, InputBinding> inputs_;
  std::unordered_map<std::string, OutputBinding> outputs_;
};

}  // namespace inferd::ort
