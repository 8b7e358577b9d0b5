#include "frontend/grpc/grpc_statistics.h"

namespace inferd {
namespace {

void Fill(const DurationStat& stat, inference::StatisticDuration* out) {
  out->set_count(stat.count);
  out->set_ns(stat.ns);
}

}  // namespace

void FillStatistics(const std::vector<ModelStatsEntry>& entries, inference::ModelStatisticsResponse* response) {
  for (const ModelStatsEntry& entry : entries) {
    const ModelStatsSnapshot& s = entry.stats;
    auto* model = response->add_model_stats();
    model->set_name(entry.name);
    model->set_version(std::to_string(entry.version));
    model->set_last_inference(s.last_inference_ms);
    model->set_inference_count(s.inference_count);
    model->set_execution_count(s.execution_count);
    auto* stats = model->mutable_inference_stats();
    Fill(s.success, stats->mutable_success());
    Fill(s.fail, stats->mutable_fail());
    Fill(s.queue, stats->mutable_queue());
    Fill(s.compute_input, stats->mutable_compute_input());
    Fill(s.compute_infer, stats->mutable_compute_infer());
    Fill(s.compute_output, stats->mutable_compute_output());
    Fill(s.cache_hit, stats->mutable_cache_hit());
    Fill(s.cache_miss, stats->mutable_cache_miss());
    for (const BatchStat& batch : s.batch_stats) {
      auto* out = model->add_batch_stats();
      out->set_batch_size(batch.batch_size);
      Fill(batch.compute_input, out->mutable_compute_input());
      Fill(batch.compute_infer, out->mutable_compute_infer());
      Fill(batch.compute_output, out->mutable_compute_output());
    }
  }
}

}  // namespace inferd
