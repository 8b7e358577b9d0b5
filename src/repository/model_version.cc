#include "repository/model_version.h"

#include <fstream>

#include "core/logging.h"
#include "repository/model_warmup.h"

namespace inferd {
namespace {

Status ReadLabels(const std::string& path, std::vector<std::string>* labels) {
  std::ifstream file(path);
  if (!file) return Status::InvalidArg("unable to read label file '" + path + "'");
  std::string line;
  while (std::getline(file, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    labels->push_back(line);
  }
  return Status::Ok();
}

}  // namespace

Status ModelVersion::Create(const ModelSpec& spec, std::shared_ptr<const inference::ModelConfig> config,
                            Backend* backend, std::unique_ptr<ModelVersion>* out) {
  uint64_t started_ns = SteadyNowNs();
  std::unique_ptr<ModelVersion> model(new ModelVersion());
  model->version_ = spec.version;
  model->config_ = std::move(config);
  for (const auto& output : model->config_->output()) {
    if (output.label_filename().empty()) continue;
    INFERD_RETURN_IF_ERROR(
        ReadLabels(spec.model_dir + "/" + output.label_filename(), &model->labels_[output.name()]));
  }
  std::vector<std::unique_ptr<ModelInstance>> instances;
  for (const auto& group : model->config_->instance_group()) {
    for (int k = 0; k < group.count(); ++k) {
      InstanceSpec instance;
      instance.name = group.name() + "_" + std::to_string(k);
      instance.kind = group.kind();
      std::unique_ptr<ModelInstance> created;
      INFERD_RETURN_IF_ERROR(backend->CreateInstance(spec, instance, &created));
      LOG_VERBOSE(1) << "created instance '" << instance.name << "' of model '" << spec.model_name
                     << "' version " << spec.version;
      INFERD_RETURN_IF_ERROR(WarmUpInstance(spec, *model->config_, instance.name, created.get()));
      instances.push_back(std::move(created));
    }
  }
  if (model->config_->has_dynamic_batching() && model->config_->max_batch_size() > 0) {
    model->scheduler_ = std::make_unique<DynamicBatcher>(*model->config_, std::move(instances), &model->stats_);
  } else {
    model->scheduler_ = std::make_unique<DefaultScheduler>(std::move(instances), &model->stats_);
  }
  model->stats_.SetLoadSeconds((SteadyNowNs() - started_ns) / 1e9);
  *out = std::move(model);
  return Status::Ok();
}

Status ModelVersion::CreateEnsemble(const ModelSpec& spec, std::shared_ptr<const inference::ModelConfig> config,
                                    const InferenceServices* services, std::unique_ptr<ModelVersion>* out) {
  std::unique_ptr<ModelVersion> model(new ModelVersion());
  model->version_ = spec.version;
  model->config_ = std::move(config);
  model->scheduler_ = std::make_unique<EnsembleScheduler>(model->config_, services);
  *out = std::move(model);
  return Status::Ok();
}

const std::vector<std::string>* ModelVersion::Labels(const std::string& output_name) const {
  auto it = labels_.find(output_name);
  return it == labels_.end() ? nullptr : &it->second;
}

}  // namespace inferd
