// inferd_in_process: the raw in-process baseline of the benchmarks.
//
// Loads one model of a repository with inferd's own backend (the same
// library the server uses, no server, no scheduler, no protocol) and calls
// one instance's Execute in a loop with random inputs, for each batch size
// given. Prints one JSON line per batch size:
//   {"batch": 8, "calls": 40, "seconds": 5.01, "inferences_per_second": 63.9, "mean_us": 125100.2}
//
//   inferd_in_process --model-repository=DIR --model=NAME [--batch-sizes=1,2,4] [--seconds=5]
//                     [--warmup=3]
// Variable dimensions (-1) other than the batch dimension are not supported.

#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "backends/backend_registry.h"
#include "repository/model_config_loader.h"

namespace {

using namespace inferd;

struct Args {
  std::string repository, model;
  std::vector<int64_t> batch_sizes = {1};
  double seconds = 5;
  int warmup = 3;
};

bool ParseArgs(int argc, char** argv, Args* args) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char* flag) -> const char* {
      size_t n = std::strlen(flag);
      return arg.compare(0, n, flag) == 0 ? argv[i] + n : nullptr;
    };
    if (const char* v = value("--model-repository=")) {
      args->repository = v;
    } else if (const char* v = value("--model=")) {
      args->model = v;
    } else if (const char* v = value("--seconds=")) {
      args->seconds = std::stod(v);
    } else if (const char* v = value("--warmup=")) {
      args->warmup = std::stoi(v);
    } else if (const char* v = value("--batch-sizes=")) {
      args->batch_sizes.clear();
      std::stringstream list(v);
      for (std::string item; std::getline(list, item, ',');) args->batch_sizes.push_back(std::stoll(item));
    } else {
      std::cerr << "unknown argument '" << arg << "'\n";
      return false;
    }
  }
  if (args->repository.empty() || args->model.empty()) {
    std::cerr << "usage: inferd_in_process --model-repository=DIR --model=NAME [--batch-sizes=1,2,4] "
                 "[--seconds=5] [--warmup=3]\n";
    return false;
  }
  return true;
}

// Random inputs of the config's inputs with batch `batch` (none when the
// model does not batch).
Status MakeInputs(const inference::ModelConfig& config, int64_t batch, std::vector<Tensor>* inputs) {
  std::mt19937 random(0);
  std::uniform_int_distribution<int> byte(0, 255);
  for (const auto& input : config.input()) {
    Tensor tensor;
    tensor.name = input.name();
    tensor.datatype = static_cast<DataType>(input.data_type());
    if (config.max_batch_size() > 0) tensor.shape.push_back(batch);
    for (int64_t d : input.dims()) {
      if (d < 0) return Status::InvalidArg("input '" + input.name() + "' has a variable dimension");
      tensor.shape.push_back(d);
    }
    if (tensor.datatype == DataType::kBytes) return Status::InvalidArg("BYTES inputs are not supported");
    size_t bytes = static_cast<size_t>(ElementCount(tensor.shape).value()) * DataTypeByteSize(tensor.datatype);
    char* data = nullptr;
    tensor.data = Buffer::Allocate(bytes, &data);
    if (tensor.datatype == DataType::kFp32) {
      std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
      for (size_t i = 0; i < bytes / sizeof(float); ++i) reinterpret_cast<float*>(data)[i] = uniform(random);
    } else {
      for (size_t i = 0; i < bytes; ++i) data[i] = static_cast<char>(byte(random));
    }
    inputs->push_back(std::move(tensor));
  }
  return Status::Ok();
}

int Run(const Args& args) {
  BackendRegistry backends({});
  backends.RegisterBuiltinBackends();
  std::string model_dir = args.repository + "/" + args.model;
  inference::ModelConfig config;
  Status status = LoadModelConfig(model_dir, ConfigLoadOptions{}, &backends, &config);
  Backend* backend = nullptr;
  if (status.ok()) status = backends.Get(config.backend(), &backend);
  ModelSpec spec;
  spec.model_name = args.model;
  spec.version = 1;
  spec.model_dir = model_dir;
  spec.version_dir = model_dir + "/1";
  spec.model_path = spec.version_dir + "/" + config.default_model_filename();
  spec.config = &config;
  InstanceSpec instance_spec;
  instance_spec.name = args.model + "_0";
  std::unique_ptr<ModelInstance> instance;
  if (status.ok()) status = backend->CreateInstance(spec, instance_spec, &instance);
  if (!status.ok()) {
    std::cerr << "unable to load '" << args.model << "': " << status.message() << "\n";
    return 1;
  }
  std::vector<std::string> output_names;
  for (const auto& output : config.output()) output_names.push_back(output.name());
  for (int64_t batch : args.batch_sizes) {
    std::vector<Tensor> inputs;
    status = MakeInputs(config, batch, &inputs);
    for (int i = 0; status.ok() && i < args.warmup; ++i) {
      std::vector<Tensor> outputs;
      status = instance->Execute(inputs, output_names, &outputs);
    }
    using Clock = std::chrono::steady_clock;
    auto start = Clock::now();
    auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(args.seconds));
    int64_t calls = 0;
    while (status.ok() && Clock::now() < end) {
      std::vector<Tensor> outputs;
      status = instance->Execute(inputs, output_names, &outputs);
      ++calls;
    }
    if (!status.ok()) {
      std::cerr << "batch " << batch << ": " << status.message() << "\n";
      return 1;
    }
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("{\"batch\": %lld, \"calls\": %lld, \"seconds\": %.3f, \"inferences_per_second\": %.3f, "
                "\"mean_us\": %.3f}\n",
                static_cast<long long>(batch), static_cast<long long>(calls), seconds,
                calls * (config.max_batch_size() > 0 ? batch : 1) / seconds, seconds * 1e6 / calls);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!ParseArgs(argc, argv, &args)) return 2;
  return Run(args);
}
