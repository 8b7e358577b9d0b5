// inferd-perf: load ranges, percentiles, window summaries, the stability
// rule and the request-rate schedule.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>

#include "perf/load_range.h"
#include "perf/send_schedule.h"
#include "perf/stability.h"
#include "perf/window_summary.h"

namespace inferd::perf {
namespace {

std::vector<double> Levels(const std::string& text, bool integers = true) {
  LoadRange range;
  Status status = ParseLoadRange(text, integers, &range);
  EXPECT_TRUE(status.ok()) << text << ": " << status.message();
  return range.Levels();
}

Status Parse(const std::string& text, bool integers = true) {
  LoadRange range;
  return ParseLoadRange(text, integers, &range);
}

TEST(PerfLoadRange, AdditiveStepAddsUpToTheEndInclusive) {
  EXPECT_EQ(Levels("1:8:2"), (std::vector<double>{1, 3, 5, 7}));
  EXPECT_EQ(Levels("2:6:2"), (std::vector<double>{2, 4, 6}));
}

TEST(PerfLoadRange, MultiplicativeStepMultiplies) {
  EXPECT_EQ(Levels("1:32:x2"), (std::vector<double>{1, 2, 4, 8, 16, 32}));
  EXPECT_EQ(Levels("3:30:x3"), (std::vector<double>{3, 9, 27}));
  EXPECT_EQ(Levels("100:400:X2", false), (std::vector<double>{100, 200, 400}));
}

TEST(PerfLoadRange, ShortFormsMeanOneLevelOrStepOne) {
  EXPECT_EQ(Levels("4"), (std::vector<double>{4}));
  EXPECT_EQ(Levels("1:3"), (std::vector<double>{1, 2, 3}));
}

TEST(PerfLoadRange, FractionalRatesKeepTheirLastLevel) {
  EXPECT_EQ(Levels("0.1:0.3:0.1", false).size(), 3u);
  EXPECT_EQ(Levels("2.5:10:2.5", false), (std::vector<double>{2.5, 5, 7.5, 10}));
}

TEST(PerfLoadRange, RejectsMalformedRanges) {
  for (const char* text : {"", "a", "1:b", "1:4:c", "1:2:3:4", "0:4", "-1:4", "4:1", "1:4:0", "1:4:x1", "1:4:x",
                           "1:4:-1", "1.5:4"}) {
    Status status = Parse(text);
    EXPECT_FALSE(status.ok()) << text;
    EXPECT_NE(status.message().find("invalid range"), std::string::npos) << status.message();
  }
  EXPECT_FALSE(Parse("1:4:x1.5").ok());  // concurrency levels stay whole
  EXPECT_TRUE(Parse("1:4:x1.5", false).ok());
}

TEST(PerfPercentile, NearestRank) {
  std::vector<int64_t> sorted;
  for (int64_t i = 1; i <= 100; ++i) sorted.push_back(i);
  EXPECT_EQ(Percentile(sorted, 50), 50);
  EXPECT_EQ(Percentile(sorted, 90), 90);
  EXPECT_EQ(Percentile(sorted, 99), 99);
  EXPECT_EQ(Percentile(sorted, 100), 100);
  EXPECT_EQ(Percentile({7}, 50), 7);
  EXPECT_EQ(Percentile({7}, 99), 7);
  EXPECT_EQ(Percentile({1, 2, 3, 4}, 50), 2);
  EXPECT_EQ(Percentile({1, 2, 3, 4}, 95), 4);
  EXPECT_EQ(Percentile({}, 50), 0);
}

RequestRecord Done(int64_t start_us, int64_t latency_us, int64_t send_us = 0, int64_t recv_us = 0) {
  RequestRecord record;
  record.start_ns = start_us * 1000;
  record.end_ns = (start_us + latency_us) * 1000;
  record.send_ns = send_us * 1000;
  record.recv_ns = recv_us * 1000;
  return record;
}

TEST(PerfWindowSummary, ThroughputLatenciesAndClientTimes) {
  std::vector<RequestRecord> records;
  for (int i = 1; i <= 10; ++i) records.push_back(Done(i * 100, i * 10, 2, 4));
  RequestRecord error = Done(0, 5);
  error.kind = RequestRecord::Kind::kError;
  records.push_back(error);
  WindowSummary s = Summarise(records, 500'000'000, 4);  // half a second, batch 4
  EXPECT_EQ(s.requests, 10);
  EXPECT_EQ(s.errors, 1);
  EXPECT_DOUBLE_EQ(s.inferences_per_second, 80.0);
  EXPECT_DOUBLE_EQ(s.avg_latency_us, 55.0);
  EXPECT_DOUBLE_EQ(s.p50_latency_us, 50.0);
  EXPECT_DOUBLE_EQ(s.p90_latency_us, 90.0);
  EXPECT_DOUBLE_EQ(s.p99_latency_us, 100.0);
  EXPECT_DOUBLE_EQ(s.client_send_us, 2.0);
  EXPECT_DOUBLE_EQ(s.client_recv_us, 4.0);
  EXPECT_DOUBLE_EQ(s.LatencyUs(0), 55.0);
  EXPECT_DOUBLE_EQ(s.LatencyUs(90), 90.0);
}

TEST(PerfWindowSummary, CountsLateAndDroppedSends) {
  RequestRecord on_time = Done(0, 10), late = Done(0, 10), dropped;
  late.delay_ns = kLateSendNs + 1;
  dropped.kind = RequestRecord::Kind::kDropped;
  WindowSummary s = Summarise({on_time, late, dropped}, 1'000'000'000, 1);
  EXPECT_EQ(s.requests, 2);
  EXPECT_EQ(s.late_sends, 1);
  EXPECT_EQ(s.dropped_sends, 1);
}

TEST(PerfWindowSummary, EmptyWindowIsAllZero) {
  WindowSummary s = Summarise({}, 1'000'000'000, 1);
  EXPECT_EQ(s.requests, 0);
  EXPECT_EQ(s.inferences_per_second, 0);
  EXPECT_EQ(s.p99_latency_us, 0);
}

TEST(PerfRequestLog, TakesRecordsByEndTime) {
  RequestLog log(2);
  log.Add(0, Done(0, 1));   // ends at 1 µs: before the window
  log.Add(1, Done(0, 5));   // ends at 5 µs: inside
  log.Add(0, Done(0, 10));  // ends at 10 µs: inside, on the edge
  log.Add(1, Done(0, 20));  // ends at 20 µs: after
  EXPECT_EQ(log.Take(2000, 10000).size(), 2u);
  auto later = log.Take(10001, 30000);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].end_ns, 20000);
}

TEST(PerfRequestLog, KeepsTheFirstError) {
  RequestLog log(1);
  EXPECT_EQ(log.FirstError(), "");
  log.AddError(0, Done(0, 1), "first");
  log.AddError(0, Done(0, 2), "second");
  EXPECT_EQ(log.FirstError(), "first");
  auto records = log.Take(0, 10000);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].kind, RequestRecord::Kind::kError);
}

TEST(PerfStability, LastThreeWithinPercentageOfTheirMean) {
  std::vector<TrialPoint> trials = {{50, 900}, {100, 100}, {104, 98}, {97, 103}};
  EXPECT_TRUE(IsStable(trials, 10));
  EXPECT_FALSE(IsStable(trials, 2));
}

TEST(PerfStability, NeedsThreeWindows) {
  EXPECT_FALSE(IsStable({}, 10));
  EXPECT_FALSE(IsStable({{100, 100}, {100, 100}}, 10));
  EXPECT_TRUE(IsStable({{100, 100}, {100, 100}, {100, 100}}, 10));
}

TEST(PerfStability, ThroughputAndLatencyBothCount) {
  EXPECT_FALSE(IsStable({{100, 100}, {100, 100}, {150, 100}}, 10));
  EXPECT_FALSE(IsStable({{100, 100}, {100, 100}, {100, 150}}, 10));
}

TEST(PerfStability, WindowsWithoutRequestsAreNeverStable) {
  EXPECT_FALSE(IsStable({{0, 0}, {0, 0}, {0, 0}}, 10));
  EXPECT_FALSE(IsStable({{100, 100}, {0, 0}, {100, 100}}, 200));
}

TEST(PerfSendSchedule, ConstantRateIsEvenlySpaced) {
  SendSchedule schedule(1000, Distribution::kConstant, 5'000'000, 4);
  std::vector<int64_t> dropped;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(schedule.Next(0, &dropped), 5'000'000 + i * 1'000'000);
  EXPECT_TRUE(dropped.empty());
}

TEST(PerfSendSchedule, PoissonGapsVaryAndAverageTheRate) {
  SendSchedule schedule(1000, Distribution::kPoisson, 0, 4);
  std::vector<int64_t> dropped;
  int64_t first = schedule.Next(0, &dropped), last = first;
  int64_t shortest = INT64_MAX, longest = 0;
  const int sends = 20000;
  for (int i = 1; i < sends; ++i) {
    int64_t next = schedule.Next(0, &dropped);
    shortest = std::min(shortest, next - last);
    longest = std::max(longest, next - last);
    last = next;
  }
  EXPECT_GE(shortest, 0);
  EXPECT_GT(longest, 3 * shortest);
  EXPECT_NEAR(static_cast<double>(last - first) / (sends - 1), 1'000'000, 50'000);
  EXPECT_TRUE(dropped.empty());
}

TEST(PerfSendSchedule, DropsWhenMoreThanTheBacklogIsOverdue) {
  // Sends planned every millisecond from 0; a connection frees up at 10.5 ms
  // with at most 2 overdue sends allowed to wait.
  SendSchedule schedule(1000, Distribution::kConstant, 0, 2);
  std::vector<int64_t> dropped;
  int64_t planned = schedule.Next(10'500'000, &dropped);
  EXPECT_EQ(dropped.size(), 9u);  // 0..8 ms dropped; 9 and 10 ms still wait
  EXPECT_EQ(planned, 9'000'000);
  dropped.clear();
  EXPECT_EQ(schedule.Next(10'500'000, &dropped), 10'000'000);
  EXPECT_TRUE(dropped.empty());
}

}  // namespace
}  // namespace inferd::perf
