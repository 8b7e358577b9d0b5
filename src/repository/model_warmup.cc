#include "repository/model_warmup.h"

#include <algorithm>
#include <condition_variable>
#include <fstream>
#include <iterator>
#include <mutex>
#include <random>

#include "core/logging.h"
#include "core/model_stats.h"
#include "core/request_validator.h"

namespace inferd {
namespace {

using WarmupInput = inference::ModelWarmup::Input;

constexpr uint32_t kRandomSeed = 1;  // random_data is the same on every load

// The data of one request's input: `elements` elements of `type` as
// `input` describes them.
Status InputData(const ModelSpec& spec, const std::string& name, const WarmupInput& input, DataType type,
                 int64_t elements, Buffer* out) {
  const bool bytes = type == DataType::kBytes;
  // A BYTES element of zeros is a 4-byte length of 0: an empty string.
  const size_t byte_size = static_cast<size_t>(elements) * (bytes ? 4 : DataTypeByteSize(type));
  char* data = nullptr;
  switch (input.input_data_type_case()) {
    case WarmupInput::kZeroData:
      *out = Buffer::Allocate(byte_size, &data);
      return Status::Ok();
    case WarmupInput::kRandomData: {
      *out = Buffer::Allocate(byte_size, &data);
      if (bytes) return Status::Ok();  // random lengths would not be a valid BYTES tensor
      std::mt19937 random(kRandomSeed);
      std::generate(data, data + byte_size, [&] { return static_cast<char>(random()); });
      return Status::Ok();
    }
    case WarmupInput::kInputDataFile: {
      const std::string path = spec.model_dir + "/warmup/" + input.input_data_file();
      std::ifstream file(path, std::ios::binary);
      if (!file) return Status::InvalidArg("input '" + name + "': cannot read its data file '" + path + "'");
      std::string content((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
      if (!bytes) {
        if (content.size() < byte_size) {
          return Status::InvalidArg("input '" + name + "': its data file '" + path + "' holds " +
                                    std::to_string(content.size()) + " bytes; its dims and data_type need " +
                                    std::to_string(byte_size));
        }
        content.resize(byte_size);
      }
      *out = Buffer::FromString(std::move(content));
      return Status::Ok();
    }
    default:
      return Status::InvalidArg("input '" + name + "': set one of zero_data, random_data or input_data_file");
  }
}

Status InputTensor(const ModelSpec& spec, const inference::ModelConfig& config, const std::string& name,
                   const WarmupInput& input, Tensor* out) {
  out->name = name;
  out->datatype = static_cast<DataType>(input.data_type());
  if (config.max_batch_size() > 0) out->shape.push_back(1);
  int64_t elements = 1;
  for (int64_t dim : input.dims()) {
    if (dim < 0) {
      return Status::InvalidArg("input '" + name + "': every dimension must be given, dims has " +
                                std::to_string(dim));
    }
    out->shape.push_back(dim);
    elements *= dim;
  }
  return InputData(spec, name, input, out->datatype, elements, &out->data);
}

// One request of `sample`, checked against the config as a client's would be.
Status SampleRequest(const ModelSpec& spec, const inference::ModelConfig& config,
                     const inference::ModelWarmup& sample, InferenceRequest* request,
                     std::vector<std::string>* output_names) {
  if (config.max_batch_size() == 0 && sample.batch_size() > 1) {
    return Status::InvalidArg("batch_size is " + std::to_string(sample.batch_size()) +
                              ", but the model does not batch (max_batch_size 0), so it must be 1");
  }
  if (config.max_batch_size() > 0 && sample.batch_size() > static_cast<uint32_t>(config.max_batch_size())) {
    return Status::InvalidArg("batch_size " + std::to_string(sample.batch_size()) + " exceeds max_batch_size " +
                              std::to_string(config.max_batch_size()));
  }
  request->model_name = spec.model_name;
  request->model_version = spec.version;
  std::vector<std::string> names;
  for (const auto& [name, input] : sample.inputs()) names.push_back(name);
  std::sort(names.begin(), names.end());  // a protobuf map has no order of its own
  for (const std::string& name : names) {
    request->inputs.emplace_back();
    INFERD_RETURN_IF_ERROR(InputTensor(spec, config, name, sample.inputs().at(name), &request->inputs.back()));
  }
  return ValidateRequest(config, request, output_names);
}

// Gathers the responses of one execution until every request's final one.
class ExecutionResult {
 public:
  explicit ExecutionResult(size_t requests) : unfinished_(requests) {}

  ResponseSink Sink() {
    return [this](Status status, std::unique_ptr<InferenceResponse>, bool final) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!status.ok()) errors_ += (errors_.empty() ? "" : "; ") + status.message();
      if (final && --unfinished_ == 0) finished_.notify_all();
    };
  }

  // The errors of the responses, joined; empty when every one succeeded.
  std::string Wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    finished_.wait(lock, [&] { return unfinished_ == 0; });
    return errors_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable finished_;
  size_t unfinished_;
  std::string errors_;
};

Status RunSample(const ModelSpec& spec, const inference::ModelConfig& config, const std::string& instance_name,
                 const inference::ModelWarmup& sample, ModelInstance* instance) {
  auto request = std::make_shared<InferenceRequest>();
  std::vector<std::string> output_names;
  INFERD_RETURN_IF_ERROR(SampleRequest(spec, config, sample, request.get(), &output_names));
  const uint32_t iterations = std::max<uint32_t>(sample.count(), 1);
  for (uint32_t iteration = 1; iteration <= iterations; ++iteration) {
    LOG_VERBOSE(1) << "model '" << spec.model_name << "' instance '" << instance_name
                   << "' is running warmup sample '" << sample.name() << "' for iteration " << iteration;
    ExecutionResult result(sample.batch_size());
    std::vector<ExecutionRequest> requests;
    for (uint32_t i = 0; i < sample.batch_size(); ++i) {
      // Requests of one execution are distinct objects, as clients' are; they share the input data.
      requests.push_back({std::make_shared<InferenceRequest>(*request), output_names, result.Sink()});
    }
    ComputeTimestamps times;
    instance->RunBatch(std::move(requests), &times);
    std::string errors = result.Wait();
    if (!errors.empty()) return Status::InvalidArg(errors);
  }
  return Status::Ok();
}

}  // namespace

Status WarmUpInstance(const ModelSpec& spec, const inference::ModelConfig& config, const std::string& instance_name,
                      ModelInstance* instance) {
  const uint64_t started_ns = SteadyNowNs();
  int samples_run = 0;
  for (const inference::ModelWarmup& sample : config.model_warmup()) {
    if (sample.batch_size() == 0) {
      LOG_VERBOSE(1) << "model '" << spec.model_name << "': skipping warmup sample '" << sample.name()
                     << "', whose batch_size is 0";
      continue;
    }
    Status status = RunSample(spec, config, instance_name, sample, instance);
    if (!status.ok()) {
      return Status(status.code(), "failed to run warmup sample '" + sample.name() + "': " + status.message());
    }
    ++samples_run;
  }
  if (samples_run > 0) {
    LOG_INFO << "model '" << spec.model_name << "' instance '" << instance_name << "' ran " << samples_run
             << " warmup sample(s) in " << (SteadyNowNs() - started_ns) / 1000000 << " ms";
  }
  return Status::Ok();
}

}  // namespace inferd
