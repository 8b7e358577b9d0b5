// ModelVersion: one loaded version of a model, ready to take requests.
//
// Created by the ModelManager at load with its complete config, its label
// files read and all its instances created; destroying it waits for the
// requests already queued to finish. Shared by pointer: a request holds its
// ModelVersion until its response is sent, so unloading never cuts a request.
// Thread-safe.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "core/model_stats.h"
#include "scheduler/default_scheduler.h"
#include "scheduler/dynamic_batcher.h"
#include "scheduler/ensemble_scheduler.h"

namespace inferd {

class ModelVersion {
 public:
  // Creates every instance the config's instance groups ask for.
  static Status Create(const ModelSpec& spec, std::shared_ptr<const inference::ModelConfig> config,
                       Backend* backend, std::unique_ptr<ModelVersion>* out);

  // An ensemble: its steps run through `services`, which must outlive it.
  static Status CreateEnsemble(const ModelSpec& spec, std::shared_ptr<const inference::ModelConfig> config,
                               const InferenceServices* services, std::unique_ptr<ModelVersion>* out);

  const std::string& name() const { return config_->name(); }
  int64_t version() const { return version_; }
  const inference::ModelConfig& config() const { return *config_; }
  // Different for every ModelVersion the process creates, so that a version
  // loaded again (its files may have changed) is told apart from before.
  uint64_t load_serial() const { return load_serial_; }

  // Labels of an output's label_filename, line i = class i; null when none.
  const std::vector<std::string>* Labels(const std::string& output_name) const;

  void Enqueue(InferJob job) { scheduler_->Enqueue(std::move(job)); }

  // Loaded, and the model's own readiness check (if it has one: Python's
  // is_ready) agrees. May take a few seconds.
  bool Ready() { return scheduler_->InstancesReady(); }

  // What this version has done since it loaded.
  ModelStats& stats() { return stats_; }
  const ModelStats& stats() const { return stats_; }

 private:
  ModelVersion() = default;
  static uint64_t NextLoadSerial() {
    static std::atomic<uint64_t> next{1};
    return next++;
  }

  int64_t version_ = 0;
  uint64_t load_serial_ = NextLoadSerial();
  std::shared_ptr<const inference::ModelConfig> config_;
  std::map<std::string, std::vector<std::string>> labels_;
  ModelStats stats_;  // declared before the scheduler, which reports into it
  std::unique_ptr<Scheduler> scheduler_;
};

}  // namespace inferd
