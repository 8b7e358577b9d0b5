// How a model configuration's inputs and outputs line up with an ONNX
// model's signature.
//
// The configuration describes a tensor by data_type, dims (without the batch
// dimension when max_batch_size > 0) and an optional reshape (the shape the
// model sees). This file answers: which dims should the configuration state
// for a model tensor, and does a stated configuration agree with the model?
// Agreement means: the names exist, the data types are equal, and the shape
// the model sees ([-1] + (reshape or dims) when batching) has the model's
// rank with every dimension equal to the model's unless the model leaves it
// open. A model scalar (rank 0) is stated as dims [1], with an empty
// reshape when batching, as Triton does.
//
// Plain functions over protobuf and ModelSignature values; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "backends/onnxruntime/ort_model_io.h"
#include "core/status.h"
#include "model_config.pb.h"

namespace inferd::ort {

// The model tensor called `name`, or null.
const ModelTensor* FindTensor(const std::vector<ModelTensor>& tensors, std::string_view name);

// "a, b, c": the names of `tensors`, for messages.
std::string TensorNames(const std::vector<ModelTensor>& tensors);

// The configuration dims for `tensor`: its dims, less the first when
// `batching`; [1] when that leaves nothing (`*empty_reshape` then says
// whether an empty reshape must accompany it, which is when batching).
Shape ConfigDimsFor(const ModelTensor& tensor, bool batching, bool* empty_reshape);

// The shape the model sees for a configuration tensor: [-1] when batching,
// then the reshape when there is one, else the dims.
Shape ModelSideShape(const Shape& dims, const inference::ModelTensorReshape* reshape,
                     bool batching);

// Checks one configuration tensor against the model's. `kind` is "input" or
// "output". Messages name model, tensor, what the configuration says and
// what the model has.
Status CheckTensor(const std::string& model_name, std::string_view kind, const ModelTensor& model,
                   inference::DataType config_type, const Shape& dims,
                   const inference::ModelTensorReshape* reshape, int max_batch_size);

// Model inputs the configuration feeds without listing them in `input`:
// sequence-batching control inputs and state inputs, and batch_input
// targets. Their type and shape are the model's.
std::vector<std::string> ImplicitInputNames(const inference::ModelConfig& config);

// Model outputs the configuration reads without listing them in `output`:
// sequence-batching state outputs.
std::vector<std::string> ImplicitOutputNames(const inference::ModelConfig& config);

// True when `names` contains `name`.
bool Contains(const std::vector<std::string>& names, std::string_view name);

// Checks a complete configuration against the model: every configured input
// and output exists in the model and agrees with it, every model input is
// configured (in `input` or implicitly), and batching (max_batch_size > 0)
// is possible.
Status CheckConfigAgainstModel(const std::string& model_name, const inference::ModelConfig& config,
                               const ModelSignature& signature);

}  // namespace inferd::ort
