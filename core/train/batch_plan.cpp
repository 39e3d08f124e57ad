#include "core/train/batch_plan.h"

#include <algorithm>
#include <numeric>

namespace maas::train {
namespace {

void shuffle(std::span<std::int32_t> values, std::mt19937_64& rng) {
  for (std::size_t i = values.size(); i > 1; --i) {
    const std::size_t j = static_cast<std::size_t>(rng() % i);
    std::swap(values[i - 1], values[j]);
  }
}

}  // namespace

TokenSpans find_token_spans(std::span<const std::int32_t> ids, std::int64_t rows, std::int64_t length) {
  TokenSpans spans;
  spans.first.resize(static_cast<std::size_t>(rows));
  spans.end.resize(static_cast<std::size_t>(rows));
  for (std::int64_t r = 0; r < rows; ++r) {
    const std::int32_t* row = ids.data() + r * length;
    std::int64_t first = 0;
    while (first < length && row[first] == 0) ++first;
    std::int64_t end = length;
    while (end > first && row[end - 1] == 0) --end;
    if (first == length) first = end = 0;
    spans.first[static_cast<std::size_t>(r)] = static_cast<std::int32_t>(first);
    spans.end[static_cast<std::size_t>(r)] = static_cast<std::int32_t>(end);
  }
  return spans;
}

void plan_epoch(const TokenSpans& spans, std::int64_t batch_size, bool shuffle_rows, bool bucket_by_length,
                std::mt19937_64& rng, BatchPlan& plan) {
  const auto rows = static_cast<std::int64_t>(spans.first.size());
  plan.rows.resize(static_cast<std::size_t>(rows));
  std::iota(plan.rows.begin(), plan.rows.end(), 0);
  if (shuffle_rows) shuffle(plan.rows, rng);

  const std::int64_t batches = (rows + batch_size - 1) / batch_size;
  plan.starts.resize(static_cast<std::size_t>(batches + 1));
  for (std::int64_t b = 0; b <= batches; ++b) {
    plan.starts[static_cast<std::size_t>(b)] = std::min(rows, b * batch_size);
  }
  if (!bucket_by_length) return;

  const auto tokens = [&](std::int32_t row) {
    return spans.end[static_cast<std::size_t>(row)] - spans.first[static_cast<std::size_t>(row)];
  };
  const std::int64_t group = kBucketBatches * batch_size;
  for (std::int64_t begin = 0; begin < rows; begin += group) {
    const auto first = plan.rows.begin() + begin;
    const auto last = plan.rows.begin() + std::min(rows, begin + group);
    std::stable_sort(first, last, [&](std::int32_t a, std::int32_t b) { return tokens(a) < tokens(b); });
  }
  if (!shuffle_rows || batches < 2) return;

  // Permute whole batches: draw a batch order, then copy the rows batch by batch.
  std::vector<std::int32_t> order(static_cast<std::size_t>(batches));
  std::iota(order.begin(), order.end(), 0);
  shuffle(order, rng);
  std::vector<std::int32_t> reordered;
  reordered.reserve(plan.rows.size());
  std::vector<std::int64_t> starts{0};
  for (std::int32_t b : order) {
    const auto begin = plan.rows.begin() + plan.starts[static_cast<std::size_t>(b)];
    const auto end = plan.rows.begin() + plan.starts[static_cast<std::size_t>(b) + 1];
    reordered.insert(reordered.end(), begin, end);
    starts.push_back(static_cast<std::int64_t>(reordered.size()));
  }
  plan.rows = std::move(reordered);
  plan.starts = std::move(starts);
}

ColumnWindow batch_window(const TokenSpans& spans, std::span<const std::int32_t> rows, std::int64_t length) {
  std::int64_t begin = length;
  std::int64_t end = 0;
  for (std::int32_t row : rows) {
    const std::int64_t first = spans.first[static_cast<std::size_t>(row)];
    const std::int64_t last = spans.end[static_cast<std::size_t>(row)];
    if (first == last) continue;
    begin = std::min(begin, first);
    end = std::max(end, last);
  }
  if (begin >= end) return {length - 1, length};  // only padding: keep one column
  return {begin, end};
}

}  // namespace maas::train
