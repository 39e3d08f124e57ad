// Batch plans: every row once per epoch, buckets of similar length, and the column window.

#include "core/train/batch_plan.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace maas::train {
namespace {

// Rows of length 4 with pre padding: row r has r % 5 tokens.
std::vector<std::int32_t> pre_padded_ids(std::int64_t rows) {
  std::vector<std::int32_t> ids(static_cast<std::size_t>(rows * 4), 0);
  for (std::int64_t r = 0; r < rows; ++r) {
    const std::int64_t tokens = std::min<std::int64_t>(4, r % 5);
    for (std::int64_t t = 4 - tokens; t < 4; ++t) ids[static_cast<std::size_t>(r * 4 + t)] = 7;
  }
  return ids;
}

TEST(TokenSpans, FindFirstAndEndOfTokens) {
  const std::vector<std::int32_t> ids = {0, 0, 3, 4,   // pre padding
                                         5, 6, 0, 0,   // post padding
                                         0, 0, 0, 0,   // padding only
                                         1, 2, 3, 4};  // full
  const TokenSpans spans = find_token_spans(ids, 4, 4);
  EXPECT_EQ(spans.first, (std::vector<std::int32_t>{2, 0, 0, 0}));
  EXPECT_EQ(spans.end, (std::vector<std::int32_t>{4, 2, 0, 4}));
}

TEST(BatchWindow, CoversUnionOfSpans) {
  const std::vector<std::int32_t> ids = {0, 0, 3, 4, 0, 0, 0, 5, 0, 0, 0, 0};
  const TokenSpans spans = find_token_spans(ids, 3, 4);
  const std::vector<std::int32_t> both = {0, 1};
  EXPECT_EQ(batch_window(spans, both, 4).begin, 2);
  EXPECT_EQ(batch_window(spans, both, 4).end, 4);
  const std::vector<std::int32_t> empty_row = {2};
  EXPECT_EQ(batch_window(spans, empty_row, 4).begin, 3);
  EXPECT_EQ(batch_window(spans, empty_row, 4).end, 4);
}

TEST(PlanEpoch, KeepsFileOrderWithoutShuffleOrBuckets) {
  const TokenSpans spans = find_token_spans(pre_padded_ids(7), 7, 4);
  std::mt19937_64 rng(1);
  BatchPlan plan;
  plan_epoch(spans, 3, false, false, rng, plan);
  EXPECT_EQ(plan.rows, (std::vector<std::int32_t>{0, 1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(plan.starts, (std::vector<std::int64_t>{0, 3, 6, 7}));
}

TEST(PlanEpoch, EveryRowOnceWithBucketsAndShuffle) {
  const std::int64_t rows = 1000;
  const TokenSpans spans = find_token_spans(pre_padded_ids(rows), rows, 4);
  std::mt19937_64 rng(3);
  BatchPlan plan;
  plan_epoch(spans, 32, true, true, rng, plan);
  std::vector<std::int32_t> sorted = plan.rows;
  std::sort(sorted.begin(), sorted.end());
  for (std::int64_t r = 0; r < rows; ++r) ASSERT_EQ(sorted[static_cast<std::size_t>(r)], r);
  EXPECT_EQ(plan.batches(), 32);
  // Exactly one batch is short: 1000 = 31 * 32 + 8.
  int short_batches = 0;
  for (std::int64_t b = 0; b < plan.batches(); ++b) {
    if (plan.starts[b + 1] - plan.starts[b] != 32) ++short_batches;
  }
  EXPECT_EQ(short_batches, 1);
}

TEST(PlanEpoch, BucketsGroupSimilarLengths) {
  // 5 lengths spread evenly: without buckets a batch of 40 contains every length, with buckets a
  // batch spans at most two neighbouring lengths.
  const std::int64_t rows = 400;
  const TokenSpans spans = find_token_spans(pre_padded_ids(rows), rows, 4);
  std::mt19937_64 rng(5);
  BatchPlan plan;
  plan_epoch(spans, 40, true, true, rng, plan);
  for (std::int64_t b = 0; b < plan.batches(); ++b) {
    std::int32_t low = 4;
    std::int32_t high = 0;
    for (std::int64_t i = plan.starts[b]; i < plan.starts[b + 1]; ++i) {
      const std::int32_t row = plan.rows[static_cast<std::size_t>(i)];
      const std::int32_t tokens = spans.end[row] - spans.first[row];
      low = std::min(low, tokens);
      high = std::max(high, tokens);
    }
    EXPECT_LE(high - low, 1) << "batch " << b;
  }
}

TEST(PlanEpoch, SameSeedSamePlan) {
  const TokenSpans spans = find_token_spans(pre_padded_ids(300), 300, 4);
  std::mt19937_64 first_rng(9);
  std::mt19937_64 second_rng(9);
  BatchPlan first;
  BatchPlan second;
  plan_epoch(spans, 16, true, true, first_rng, first);
  plan_epoch(spans, 16, true, true, second_rng, second);
  EXPECT_EQ(first.rows, second.rows);
  EXPECT_EQ(first.starts, second.starts);
  std::mt19937_64 other_rng(10);
  BatchPlan other;
  plan_epoch(spans, 16, true, true, other_rng, other);
  EXPECT_NE(first.rows, other.rows);
}

}  // namespace
}  // namespace maas::train
