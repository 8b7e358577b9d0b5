#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "frontend/metrics/custom_metrics_text.h"
#include "frontend/metrics/model_metrics.h"
#include "frontend/metrics/prometheus_text.h"
#include "frontend/metrics/system_metrics.h"

namespace inferd {
namespace {

bool Contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(MetricValue, PlainDecimalsWithoutExponent) {
  EXPECT_EQ(FormatMetricValue(0), "0");
  EXPECT_EQ(FormatMetricValue(-0.0), "0");
  EXPECT_EQ(FormatMetricValue(42), "42");
  EXPECT_EQ(FormatMetricValue(-3.5), "-3.5");
  EXPECT_EQ(FormatMetricValue(0.1), "0.1");
  EXPECT_EQ(FormatMetricValue(1e20), "100000000000000000000");
  EXPECT_EQ(FormatMetricValue(1.5e-7), "0.00000015");
  EXPECT_EQ(FormatMetricValue(25276502016.0), "25276502016");
  EXPECT_EQ(FormatMetricValue(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(FormatMetricValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatMetricValue(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(PrometheusText, FamilyHeaderAndEscapedLabels) {
  PrometheusText text;
  text.Family("m", "help with \\ and\nnewline", "gauge");
  text.Sample("m", {{"b", "quote\" back\\ nl\n"}, {"a", "1"}}, 2.5);
  text.Sample("m", {}, uint64_t{7});
  EXPECT_EQ(text.text(),
            "# HELP m help with \\\\ and\\nnewline\n"
            "# TYPE m gauge\n"
            "m{a=\"1\",b=\"quote\\\" back\\\\ nl\\n\"} 2.5\n"
            "m 7\n");
}

TEST(PrometheusText, HistogramBucketsSumAndCount) {
  PrometheusText text;
  text.Histogram("h", {{"model", "x"}}, {1, 2.5}, {1, 3}, 4, 12.25);
  EXPECT_EQ(text.text(),
            "h_bucket{model=\"x\",le=\"1\"} 1\n"
            "h_bucket{model=\"x\",le=\"2.5\"} 3\n"
            "h_bucket{model=\"x\",le=\"+Inf\"} 4\n"
            "h_sum{model=\"x\"} 12.25\n"
            "h_count{model=\"x\"} 4\n");
}

ModelStatsSnapshot SampleStats() {
  ModelStats stats;
  stats.SetLoadSeconds(0.25);
  ComputeDurations compute{1500, 2999, 500};
  stats.RecordSuccess(4, 10'999, 1'000, compute);
  stats.RecordSuccess(2, 5'000'000, 2'000, compute);
  stats.RecordExecution(6, compute);
  stats.RecordFailure(FailureReason::kBackend, 700);
  stats.RecordFailure(FailureReason::kRejected, 700);
  stats.RecordFailure(FailureReason::kBackend, 700);
  stats.AddPending(3);
  return stats.Snapshot();
}

TEST(ModelMetrics, EveryFamilyWithModelAndVersionLabels) {
  PrometheusText text;
  RenderModelMetrics({{"simple", 3, {}, SampleStats()}}, {}, &text);
  const std::string& out = text.text();
  const std::string labels = "{model=\"simple\",version=\"3\"}";
  EXPECT_TRUE(Contains(out, "# TYPE nv_inference_request_success counter\n"));
  EXPECT_TRUE(Contains(out, "nv_inference_request_success" + labels + " 2\n"));
  EXPECT_TRUE(Contains(out, "nv_inference_count" + labels + " 6\n"));
  EXPECT_TRUE(Contains(out, "nv_inference_exec_count" + labels + " 1\n"));
  EXPECT_TRUE(Contains(out, "nv_inference_request_failure{model=\"simple\",reason=\"BACKEND\",version=\"3\"} 2\n"));
  EXPECT_TRUE(Contains(out, "nv_inference_request_failure{model=\"simple\",reason=\"REJECTED\",version=\"3\"} 1\n"));
  EXPECT_TRUE(Contains(out, "nv_inference_request_failure{model=\"simple\",reason=\"CANCELED\",version=\"3\"} 0\n"));
  EXPECT_TRUE(Contains(out, "nv_inference_request_failure{model=\"simple\",reason=\"OTHER\",version=\"3\"} 0\n"));
  EXPECT_TRUE(Contains(out, "# TYPE nv_inference_pending_request_count gauge\n"));
  EXPECT_TRUE(Contains(out, "nv_inference_pending_request_count" + labels + " 3\n"));
  // Durations: the statistics' nanoseconds summed, then whole microseconds.
  EXPECT_TRUE(Contains(out, "nv_inference_request_duration_us" + labels + " 5010\n"));
  EXPECT_TRUE(Contains(out, "nv_inference_queue_duration_us" + labels + " 3\n"));
  EXPECT_TRUE(Contains(out, "nv_inference_compute_input_duration_us" + labels + " 3\n"));
  EXPECT_TRUE(Contains(out, "nv_inference_compute_infer_duration_us" + labels + " 5\n"));
  EXPECT_TRUE(Contains(out, "nv_inference_compute_output_duration_us" + labels + " 1\n"));
  EXPECT_TRUE(Contains(out, "# TYPE nv_model_load_duration_secs gauge\n"));
  EXPECT_TRUE(Contains(out, "nv_model_load_duration_secs" + labels + " 0.25\n"));
  EXPECT_TRUE(Contains(out, "# TYPE inferd_inference_request_duration_us histogram\n"));
  const std::string bucket = "inferd_inference_request_duration_us_bucket{model=\"simple\",version=\"3\",le=";
  EXPECT_TRUE(Contains(out, bucket + "\"100\"} 1\n"));
  EXPECT_TRUE(Contains(out, bucket + "\"2500\"} 1\n"));
  EXPECT_TRUE(Contains(out, bucket + "\"5000\"} 2\n"));
  EXPECT_TRUE(Contains(out, bucket + "\"+Inf\"} 2\n"));
  EXPECT_TRUE(Contains(out, "inferd_inference_request_duration_us_count" + labels + " 2\n"));
  EXPECT_TRUE(Contains(out, "inferd_inference_request_duration_us_sum" + labels + " 5010.999\n"));
  EXPECT_TRUE(Contains(out, "inferd_inference_queue_duration_us_count" + labels + " 2\n"));
  EXPECT_TRUE(Contains(out, "inferd_inference_compute_infer_duration_us_count" + labels + " 2\n"));
}

TEST(ModelMetrics, CounterLatenciesOffRemovesTheDurationCounters) {
  PrometheusText text;
  ModelMetricsOptions options;
  options.counter_latencies = false;
  RenderModelMetrics({{"simple", 1, {}, SampleStats()}}, options, &text);
  for (const char* name : {"nv_inference_request_duration_us", "nv_inference_queue_duration_us",
                           "nv_inference_compute_input_duration_us", "nv_inference_compute_infer_duration_us",
                           "nv_inference_compute_output_duration_us"}) {
    EXPECT_FALSE(Contains(text.text(), std::string(name) + "{")) << name;
    EXPECT_FALSE(Contains(text.text(), std::string("# TYPE ") + name + " ")) << name;
  }
  EXPECT_TRUE(Contains(text.text(), "nv_inference_request_success{"));
  EXPECT_TRUE(Contains(text.text(), "inferd_inference_request_duration_us_count{"));
}

TEST(ModelMetrics, MetricTagsBecomeUnderscoreLabels) {
  PrometheusText text;
  RenderModelMetrics({{"m", 2, {{"team", "vision"}, {"cost-center", "7"}}, ModelStats().Snapshot()}}, {}, &text);
  EXPECT_TRUE(Contains(text.text(),
                       "nv_inference_count{_cost_center=\"7\",_team=\"vision\",model=\"m\",version=\"2\"} 0\n"));
}

TEST(ModelMetrics, HeadersWithoutModelsAndSeriesPerVersion) {
  PrometheusText empty;
  RenderModelMetrics({}, {}, &empty);
  EXPECT_TRUE(Contains(empty.text(), "# TYPE nv_inference_count counter\n"));
  EXPECT_FALSE(Contains(empty.text(), "nv_inference_count{"));

  PrometheusText two;
  RenderModelMetrics({{"m", 1, {}, ModelStats().Snapshot()}, {"m", 2, {}, ModelStats().Snapshot()}}, {}, &two);
  EXPECT_TRUE(Contains(two.text(), "nv_inference_count{model=\"m\",version=\"1\"} 0\n"));
  EXPECT_TRUE(Contains(two.text(), "nv_inference_count{model=\"m\",version=\"2\"} 0\n"));
}

TEST(ModelMetrics, NamesCoverFamiliesAndHistogramSamples) {
  std::set<std::string> names = ModelMetricNames();
  EXPECT_TRUE(names.count("nv_inference_request_failure"));
  EXPECT_TRUE(names.count("nv_model_load_duration_secs"));
  EXPECT_TRUE(names.count("inferd_inference_queue_duration_us_bucket"));
  EXPECT_TRUE(names.count("nv_inference_compute_output_duration_us"));
}

TEST(CustomMetricsText, FamiliesWithTheirKinds) {
  CustomMetricRegistry registry;
  std::shared_ptr<CustomMetricFamily> counter, histogram;
  ASSERT_TRUE(registry.AddFamily("requests_total", "Requests seen", CustomMetricKind::kCounter, &counter).ok());
  ASSERT_TRUE(registry.AddFamily("sizes", "Sizes", CustomMetricKind::kHistogram, &histogram).ok());
  std::shared_ptr<CustomMetric> c, h;
  ASSERT_TRUE(counter->AddMetric({{"route", "a"}}, {}, &c).ok());
  ASSERT_TRUE(histogram->AddMetric({}, {1, 10}, &h).ok());
  ASSERT_TRUE(c->Increment(3).ok());
  ASSERT_TRUE(h->Observe(5).ok());
  PrometheusText text;
  RenderCustomMetrics(registry.Snapshot(), &text);
  EXPECT_EQ(text.text(),
            "# HELP requests_total Requests seen\n"
            "# TYPE requests_total counter\n"
            "requests_total{route=\"a\"} 3\n"
            "# HELP sizes Sizes\n"
            "# TYPE sizes histogram\n"
            "sizes_bucket{le=\"1\"} 0\n"
            "sizes_bucket{le=\"10\"} 1\n"
            "sizes_bucket{le=\"+Inf\"} 1\n"
            "sizes_sum 5\n"
            "sizes_count 1\n");
}

TEST(SystemMetrics, ProcStatBusyAndTotal) {
  CpuTimes times;
  ASSERT_TRUE(ParseProcStat("cpu  100 5 50 800 20 3 2 1 40 0\ncpu0 1 2 3 4\n", &times));
  EXPECT_EQ(times.total, 981u);  // guest columns are already in user/nice
  EXPECT_EQ(times.busy, 161u);
  EXPECT_FALSE(ParseProcStat("intr 1 2 3\n", &times));
}

TEST(SystemMetrics, UtilizationBetweenSamples) {
  EXPECT_DOUBLE_EQ(CpuUtilization({100, 1000}, {150, 1200}), 0.25);
  EXPECT_DOUBLE_EQ(CpuUtilization({100, 1000}, {100, 1000}), 0);
  EXPECT_DOUBLE_EQ(CpuUtilization({100, 1000}, {90, 1100}), 0);
}

TEST(SystemMetrics, MeminfoTotalAndAvailable) {
  uint64_t total = 0, available = 0;
  ASSERT_TRUE(ParseMeminfo("MemTotal:       2048 kB\nMemFree:  100 kB\nMemAvailable:   1024 kB\n", &total,
                           &available));
  EXPECT_EQ(total, 2048u * 1024);
  EXPECT_EQ(available, 1024u * 1024);
  EXPECT_FALSE(ParseMeminfo("MemTotal: 5 kB\n", &total, &available));
}

TEST(SystemMetrics, RendersTheThreeGauges) {
  PrometheusText text;
  RenderSystemMetrics({0.5, 1000, 250}, &text);
  EXPECT_TRUE(Contains(text.text(), "# TYPE nv_cpu_utilization gauge\nnv_cpu_utilization 0.5\n"));
  EXPECT_TRUE(Contains(text.text(), "nv_cpu_memory_total_bytes 1000\n"));
  EXPECT_TRUE(Contains(text.text(), "nv_cpu_memory_used_bytes 250\n"));
}

}  // namespace
}  // namespace inferd
