#include "core/custom_metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace inferd {
namespace {

std::shared_ptr<CustomMetricFamily> Family(CustomMetricRegistry& registry, const std::string& name,
                                           CustomMetricKind kind) {
  std::shared_ptr<CustomMetricFamily> family;
  Status status = registry.AddFamily(name, "help of " + name, kind, &family);
  EXPECT_TRUE(status.ok()) << status.message();
  return family;
}

std::shared_ptr<CustomMetric> Metric(const std::shared_ptr<CustomMetricFamily>& family,
                                     const CustomMetricLabels& labels, const std::vector<double>& buckets = {}) {
  std::shared_ptr<CustomMetric> metric;
  Status status = family->AddMetric(labels, buckets, &metric);
  EXPECT_TRUE(status.ok()) << status.message();
  return metric;
}

TEST(CustomMetrics, CounterIncrementsAndRefusesNegativeValues) {
  CustomMetricRegistry registry;
  auto counter = Metric(Family(registry, "c", CustomMetricKind::kCounter), {{"k", "v"}});
  ASSERT_TRUE(counter->Increment(2).ok());
  ASSERT_TRUE(counter->Increment(0.5).ok());
  Status negative = counter->Increment(-1);
  EXPECT_EQ(negative.code(), StatusCode::kInvalidArg);
  EXPECT_EQ(counter->Set(3).code(), StatusCode::kUnsupported);
  EXPECT_EQ(counter->Observe(3).code(), StatusCode::kUnsupported);
  double value = 0;
  ASSERT_TRUE(counter->Value(&value).ok());
  EXPECT_DOUBLE_EQ(value, 2.5);
}

TEST(CustomMetrics, GaugeSetsAndMovesBothWays) {
  CustomMetricRegistry registry;
  auto gauge = Metric(Family(registry, "g", CustomMetricKind::kGauge), {});
  ASSERT_TRUE(gauge->Set(10).ok());
  ASSERT_TRUE(gauge->Increment(-4).ok());
  EXPECT_EQ(gauge->Observe(1).code(), StatusCode::kUnsupported);
  double value = 0;
  ASSERT_TRUE(gauge->Value(&value).ok());
  EXPECT_DOUBLE_EQ(value, 6);
}

TEST(CustomMetrics, HistogramCountsCumulativeBuckets) {
  CustomMetricRegistry registry;
  auto family = Family(registry, "h", CustomMetricKind::kHistogram);
  auto histogram = Metric(family, {}, {1, 5, 10});
  for (double v : {0.5, 1.0, 3.0, 7.0, 100.0}) ASSERT_TRUE(histogram->Observe(v).ok());
  EXPECT_EQ(histogram->Increment(1).code(), StatusCode::kUnsupported);
  EXPECT_EQ(histogram->Set(1).code(), StatusCode::kUnsupported);
  double value;
  EXPECT_EQ(histogram->Value(&value).code(), StatusCode::kUnsupported);
  CustomSeriesSnapshot snapshot = histogram->Snapshot();
  EXPECT_EQ(snapshot.bounds, (std::vector<double>{1, 5, 10}));
  EXPECT_EQ(snapshot.cumulative, (std::vector<uint64_t>{2, 3, 4}));
  EXPECT_EQ(snapshot.count, 5u);
  EXPECT_DOUBLE_EQ(snapshot.sum, 111.5);
}

TEST(CustomMetrics, HistogramBucketsAreRequiredAndOrdered) {
  CustomMetricRegistry registry;
  auto histogram = Family(registry, "h", CustomMetricKind::kHistogram);
  std::shared_ptr<CustomMetric> metric;
  EXPECT_EQ(histogram->AddMetric({}, {}, &metric).code(), StatusCode::kInvalidArg);
  EXPECT_EQ(histogram->AddMetric({}, {2, 1}, &metric).code(), StatusCode::kInvalidArg);
  EXPECT_EQ(histogram->AddMetric({}, {1, 1}, &metric).code(), StatusCode::kInvalidArg);
  auto counter = Family(registry, "c", CustomMetricKind::kCounter);
  EXPECT_EQ(counter->AddMetric({}, {1}, &metric).code(), StatusCode::kInvalidArg);
}

TEST(CustomMetrics, NamesFollowPrometheusRules) {
  CustomMetricRegistry registry({"nv_inference_count"});
  std::shared_ptr<CustomMetricFamily> family;
  for (const char* bad : {"", "1abc", "a-b", "__x", "with space"}) {
    EXPECT_EQ(registry.AddFamily(bad, "", CustomMetricKind::kGauge, &family).code(), StatusCode::kInvalidArg) << bad;
  }
  EXPECT_TRUE(registry.AddFamily("ns:name_2", "", CustomMetricKind::kGauge, &family).ok());
  Status reserved = registry.AddFamily("nv_inference_count", "", CustomMetricKind::kCounter, &family);
  EXPECT_EQ(reserved.code(), StatusCode::kInvalidArg);
  EXPECT_NE(reserved.message().find("server's own metrics"), std::string::npos);

  auto gauge = Family(registry, "g", CustomMetricKind::kGauge);
  std::shared_ptr<CustomMetric> metric;
  EXPECT_EQ(gauge->AddMetric({{"bad-label", "x"}}, {}, &metric).code(), StatusCode::kInvalidArg);
  EXPECT_EQ(gauge->AddMetric({{"a:b", "x"}}, {}, &metric).code(), StatusCode::kInvalidArg);
  EXPECT_TRUE(gauge->AddMetric({{"_ok1", "any \"value\""}}, {}, &metric).ok());
}

TEST(CustomMetrics, SameNameSameKindIsOneFamilyOtherKindIsAnError) {
  CustomMetricRegistry registry;
  auto first = Family(registry, "shared", CustomMetricKind::kCounter);
  std::shared_ptr<CustomMetricFamily> second;
  ASSERT_TRUE(registry.AddFamily("shared", "other help", CustomMetricKind::kCounter, &second).ok());
  EXPECT_EQ(first, second);
  EXPECT_EQ(second->help(), "help of shared");
  std::shared_ptr<CustomMetricFamily> gauge;
  Status conflict = registry.AddFamily("shared", "", CustomMetricKind::kGauge, &gauge);
  EXPECT_EQ(conflict.code(), StatusCode::kInvalidArg);
  EXPECT_NE(conflict.message().find("already exists as a counter"), std::string::npos) << conflict.message();
}

TEST(CustomMetrics, SameLabelsShareOneValue) {
  CustomMetricRegistry registry;
  auto family = Family(registry, "c", CustomMetricKind::kCounter);
  auto a = Metric(family, {{"k", "v"}});
  auto b = Metric(family, {{"k", "v"}});
  auto other = Metric(family, {{"k", "w"}});
  EXPECT_EQ(a, b);
  EXPECT_NE(a, other);
  ASSERT_TRUE(a->Increment(1).ok());
  ASSERT_TRUE(b->Increment(2).ok());
  double value = 0;
  ASSERT_TRUE(a->Value(&value).ok());
  EXPECT_DOUBLE_EQ(value, 3);
}

TEST(CustomMetrics, SeriesAndFamiliesLiveWhileHeld) {
  CustomMetricRegistry registry;
  auto family = Family(registry, "c", CustomMetricKind::kCounter);
  auto a = Metric(family, {{"k", "a"}});
  auto b = Metric(family, {{"k", "b"}});
  ASSERT_TRUE(a->Increment(5).ok());
  auto snapshot = registry.Snapshot();
  ASSERT_EQ(snapshot.size(), 1u);
  EXPECT_EQ(snapshot[0].name, "c");
  EXPECT_EQ(snapshot[0].kind, CustomMetricKind::kCounter);
  ASSERT_EQ(snapshot[0].series.size(), 2u);
  EXPECT_EQ(snapshot[0].series[0].labels.at("k"), "a");
  EXPECT_DOUBLE_EQ(snapshot[0].series[0].value, 5);

  a.reset();
  snapshot = registry.Snapshot();
  ASSERT_EQ(snapshot[0].series.size(), 1u);
  EXPECT_EQ(snapshot[0].series[0].labels.at("k"), "b");

  // A family without series is not exported; once nobody holds it, the name
  // is free for another kind.
  b.reset();
  EXPECT_TRUE(registry.Snapshot().empty());
  family.reset();
  auto gauge = Family(registry, "c", CustomMetricKind::kGauge);
  EXPECT_EQ(gauge->kind(), CustomMetricKind::kGauge);

  // A series created again after it was released starts from zero.
  auto again = Metric(gauge, {{"k", "a"}});
  double value = -1;
  ASSERT_TRUE(again->Value(&value).ok());
  EXPECT_DOUBLE_EQ(value, 0);
}

TEST(CustomMetrics, SeriesKeepTheirFamilyAlive) {
  CustomMetricRegistry registry;
  std::shared_ptr<CustomMetric> metric;
  {
    auto family = Family(registry, "kept", CustomMetricKind::kGauge);
    metric = Metric(family, {});
  }
  ASSERT_TRUE(metric->Set(2).ok());
  auto snapshot = registry.Snapshot();
  ASSERT_EQ(snapshot.size(), 1u);
  EXPECT_EQ(snapshot[0].help, "help of kept");
  std::shared_ptr<CustomMetricFamily> counter;
  EXPECT_FALSE(registry.AddFamily("kept", "", CustomMetricKind::kCounter, &counter).ok());
}

TEST(CustomMetrics, ConcurrentUpdatesAndSnapshots) {
  CustomMetricRegistry registry;
  auto family = Family(registry, "c", CustomMetricKind::kCounter);
  auto metric = Metric(family, {});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) ASSERT_TRUE(metric->Increment(1).ok());
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < 100; ++i) (void)registry.Snapshot();
  });
  for (auto& thread : threads) thread.join();
  double value = 0;
  ASSERT_TRUE(metric->Value(&value).ok());
  EXPECT_DOUBLE_EQ(value, 4000);
}

}  // namespace
}  // namespace inferd
