#include "config/config_defaults.h"

namespace inferd {
namespace {

using inference::ModelInstanceGroup;

// Triton starts two CPU instances for the frameworks that run their own
// thread pools well side by side, one for everything else.
int DefaultInstanceCount(const inference::ModelConfig& config, ModelInstanceGroup::Kind kind) {
  if (kind == ModelInstanceGroup::KIND_CPU &&
      (config.backend() == "onnxruntime" || config.backend() == "tensorflow")) {
    return 2;
  }
  return 1;
}

void ApplyInstanceGroupDefaults(inference::ModelConfig* config) {
  if (config->platform() == "ensemble") return;
  if (config->instance_group_size() == 0) {
    auto* group = config->add_instance_group();
    group->set_name(config->name());
  }
  for (int i = 0; i < config->instance_group_size(); ++i) {
    auto* group = config->mutable_instance_group(i);
    if (group->name().empty()) group->set_name(config->name() + "_" + std::to_string(i));
    // No GPU in this build: KIND_AUTO resolves to CPU. KIND_GPU is kept so
    // the backend can refuse it with a clear message.
    if (group->kind() == ModelInstanceGroup::KIND_AUTO) group->set_kind(ModelInstanceGroup::KIND_CPU);
    if (group->count() < 1) group->set_count(DefaultInstanceCount(*config, group->kind()));
  }
}

}  // namespace

void ApplyConfigDefaults(inference::ModelConfig* config) {
  if (!config->has_version_policy()) config->mutable_version_policy()->mutable_latest()->set_num_versions(1);
  ApplyInstanceGroupDefaults(config);
  if (config->has_dynamic_batching() && config->dynamic_batching().preferred_batch_size_size() == 0 &&
      config->max_batch_size() > 0) {
    config->mutable_dynamic_batching()->add_preferred_batch_size(config->max_batch_size());
  }
  if (config->has_sequence_batching() && config->sequence_batching().max_sequence_idle_microseconds() == 0) {
    config->mutable_sequence_batching()->set_max_sequence_idle_microseconds(1000000);
  }
  if (config->platform() != "ensemble") {
    auto* optimization = config->mutable_optimization();
    if (!optimization->has_input_pinned_memory()) optimization->mutable_input_pinned_memory()->set_enable(true);
    if (!optimization->has_output_pinned_memory()) optimization->mutable_output_pinned_memory()->set_enable(true);
  }
}

}  // namespace inferd
