#pragma once
// The order of training rows in one epoch, cut into batches, and the column window of each batch.

#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace maas::train {

// Rows of one encoded [rows, max_length] id matrix that hold tokens: for row r, every id
// outside columns [first[r], end[r]) is padding (id 0). A row of padding only has
// first == end == 0.
struct TokenSpans {
  std::vector<std::int32_t> first;
  std::vector<std::int32_t> end;
};

// Finds the token span of each of `rows` rows of `length` ids.
TokenSpans find_token_spans(std::span<const std::int32_t> ids, std::int64_t rows, std::int64_t length);

// One epoch: batch b contains the rows rows[starts[b]] .. rows[starts[b + 1] - 1].
struct BatchPlan {
  std::vector<std::int32_t> rows;
  std::vector<std::int64_t> starts;  // batches + 1 entries; starts[0] = 0

  std::int64_t batches() const { return starts.empty() ? 0 : static_cast<std::int64_t>(starts.size()) - 1; }
};

// Rows per bucket when bucketing: this many batches are sorted by length together.
inline constexpr std::int64_t kBucketBatches = 64;

// Plans one epoch over rows 0 .. spans.first.size() - 1.
//
// Without shuffle and bucketing the rows come in file order. With shuffle they are first
// permuted by a Fisher-Yates shuffle drawing from `rng` (our own index draw, so the order is
// the same with every standard library). With bucket_by_length the order is then cut into
// groups of kBucketBatches * batch_size rows, each group is stably sorted by token count and
// cut into batches. With shuffle the batch order is then permuted again, so batches contain
// rows of similar length but still come in random order. Only the final batch may be short.
// The plan depends on nothing but the arguments and the rng state, so a seed gives the same
// batches on every run and thread count.
void plan_epoch(const TokenSpans& spans, std::int64_t batch_size, bool shuffle, bool bucket_by_length,
                std::mt19937_64& rng, BatchPlan& plan);

// The columns [begin, end) of a batch that hold any token: the union of its rows' spans, at
// least one column wide. With pre padding this is the right end of the matrix, with post
// padding the left end, so the cut keeps every token in its place relative to the others.
struct ColumnWindow {
  std::int64_t begin = 0;
  std::int64_t end = 0;
};
ColumnWindow batch_window(const TokenSpans& spans, std::span<const std::int32_t> rows, std::int64_t length);

}  // namespace maas::train
