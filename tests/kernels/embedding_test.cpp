#include "kernels/embedding.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "kernels/runtime.h"

namespace maas::kernels {
namespace {

std::vector<float> make_table(std::int64_t vocab, std::int64_t dim) {
  std::vector<float> table(static_cast<std::size_t>(vocab * dim));
  for (std::size_t i = 0; i < table.size(); ++i) {
    table[i] = static_cast<float>(i) * 0.5f - 3.0f;
  }
  return table;
}

TEST(FindInvalidId, ReturnsFirstBadPosition) {
  struct Case {
    std::vector<std::int32_t> ids;
    std::int64_t vocab;
    std::int64_t expected;
  };
  const std::vector<Case> cases = {
      {{0, 1, 2}, 3, -1},
      {{0, 3, 2}, 3, 1},
      {{-1, 0}, 3, 0},
      {{2, 2, 7, -4}, 5, 2},
      {{}, 5, -1},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(find_invalid_id(c.ids.data(), static_cast<std::int64_t>(c.ids.size()), c.vocab),
              c.expected);
  }
}

TEST(EmbeddingGather, CopiesRowsOfTable) {
  const std::int64_t vocab = 5;
  const std::int64_t dim = 3;
  const auto table = make_table(vocab, dim);
  const std::vector<std::int32_t> ids = {4, 0, 4, 2};
  std::vector<float> dst(ids.size() * dim, -99.0f);

  embedding_gather(ids.data(), static_cast<std::int64_t>(ids.size()), table.data(), dim, dst.data());

  for (std::size_t i = 0; i < ids.size(); ++i) {
    for (std::int64_t j = 0; j < dim; ++j) {
      EXPECT_EQ(dst[i * dim + j], table[ids[i] * dim + j]) << "position " << i << " column " << j;
    }
  }
}

TEST(EmbeddingScatterAdd, AccumulatesRepeatedIds) {
  const std::int64_t vocab = 4;
  const std::int64_t dim = 2;
  const std::vector<std::int32_t> ids = {1, 3, 1, 0};
  const std::vector<float> diff_dst = {1, 2, 10, 20, 100, 200, 1000, 2000};
  std::vector<float> diff_table(vocab * dim, 0.0f);

  embedding_scatter_add(ids.data(), 4, diff_dst.data(), dim, diff_table.data(), vocab);

  // Row 1 gets positions 0 and 2, row 3 position 1, row 0 position 3, row 2 nothing.
  const std::vector<float> expected = {1000, 2000, 101, 202, 0, 0, 10, 20};
  EXPECT_EQ(diff_table, expected);
}

TEST(EmbeddingScatterAdd, MatchesNaiveLoopOnLargeInput) {
  // Large enough to take the parallel path.
  const std::int64_t vocab = 97;
  const std::int64_t dim = 64;
  const std::int64_t count = 2048;
  std::vector<std::int32_t> ids(count);
  std::vector<float> diff_dst(count * dim);
  for (std::int64_t i = 0; i < count; ++i) {
    ids[i] = static_cast<std::int32_t>((i * 31 + 7) % vocab);
  }
  for (std::size_t i = 0; i < diff_dst.size(); ++i) {
    diff_dst[i] = static_cast<float>((i * 13) % 17) * 0.25f - 2.0f;
  }

  std::vector<float> naive(vocab * dim, 0.0f);
  for (std::int64_t i = 0; i < count; ++i) {
    for (std::int64_t j = 0; j < dim; ++j) {
      naive[ids[i] * dim + j] += diff_dst[i * dim + j];
    }
  }

  for (int threads : {1, 2, 3}) {
    set_num_threads(threads);
    std::vector<float> result(vocab * dim, 0.0f);
    embedding_scatter_add(ids.data(), count, diff_dst.data(), dim, result.data(), vocab);
    EXPECT_EQ(result, naive) << threads << " threads";
  }
  set_num_threads(0);
}

}  // namespace
}  // namespace maas::kernels
