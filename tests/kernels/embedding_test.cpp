#include "kernels/embedding.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "kernels/pooling.h"
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

// Ids [batch, seq] with repeats, padding and, in row 2, padding only.
struct PoolCase {
  std::int64_t batch = 3;
  std::int64_t seq = 5;
  std::int64_t dim = 7;
  std::int64_t vocab = 11;
  std::vector<std::int32_t> ids = {0, 4, 9, 4, 1,  //
                                   3, 3, 10, 0, 7,  //
                                   0, 0, 0, 0, 0};
};

std::vector<float> irregular_values(std::size_t count, float scale) {
  std::vector<float> values(count);
  for (std::size_t i = 0; i < count; ++i) {
    values[i] = scale * (static_cast<float>((i * 37) % 23) / 7.0f - 1.3f);
  }
  return values;
}

TEST(EmbeddingMeanPool, ForwardMatchesGatherThenMean) {
  const PoolCase c;
  const std::vector<float> table = irregular_values(static_cast<std::size_t>(c.vocab * c.dim), 0.37f);
  for (bool skip_padding : {true, false}) {
    std::vector<float> gathered(static_cast<std::size_t>(c.batch * c.seq * c.dim), 0.0f);
    embedding_gather(c.ids.data(), c.batch * c.seq, table.data(), c.dim, gathered.data(), skip_padding);
    std::vector<float> expected(static_cast<std::size_t>(c.batch * c.dim));
    std::vector<float> expected_inverse(static_cast<std::size_t>(c.batch));
    mean_pool_forward(gathered.data(), skip_padding ? c.ids.data() : nullptr, c.batch, c.seq, c.dim,
                      expected.data(), expected_inverse.data());

    std::vector<float> pooled(expected.size(), -1.0f);
    std::vector<float> inverse(expected_inverse.size(), -1.0f);
    embedding_mean_pool_forward(c.ids.data(), c.batch, c.seq, table.data(), c.dim, skip_padding, pooled.data(),
                                inverse.data());

    EXPECT_EQ(pooled, expected) << "skip_padding " << skip_padding;
    EXPECT_EQ(inverse, expected_inverse) << "skip_padding " << skip_padding;
  }
}

TEST(EmbeddingMeanPool, BackwardMatchesMeanBackwardThenSparse) {
  const PoolCase c;
  const std::int64_t count = c.batch * c.seq;
  for (bool skip_padding : {true, false}) {
    const std::vector<float> inverse = {1.0f / 5.0f, 1.0f / (skip_padding ? 4.0f : 5.0f),
                                        skip_padding ? 0.0f : 1.0f / 5.0f};
    std::vector<float> expected_table(static_cast<std::size_t>(c.vocab * c.dim), 0.0f);
    std::vector<float> fused_table(expected_table.size(), 0.0f);
    std::vector<std::uint8_t> expected_marks(static_cast<std::size_t>(c.vocab), 0);
    std::vector<std::uint8_t> fused_marks(expected_marks.size(), 0);
    std::vector<std::int32_t> expected_rows(static_cast<std::size_t>(count));
    std::vector<std::int32_t> fused_rows(expected_rows.size());
    std::vector<float> scaled(static_cast<std::size_t>(c.dim));
    std::int64_t expected_count = 0;
    std::int64_t fused_count = 0;

    // Two batches in a row, so the second call must also zero the rows of the first.
    for (float scale : {0.83f, -1.9f}) {
      const std::vector<float> diff_pooled = irregular_values(static_cast<std::size_t>(c.batch * c.dim), scale);
      std::vector<float> diff_lookup(static_cast<std::size_t>(count * c.dim));
      mean_pool_backward(diff_pooled.data(), skip_padding ? c.ids.data() : nullptr, c.batch, c.seq, c.dim,
                         inverse.data(), diff_lookup.data());
      expected_count = embedding_sparse_backward(c.ids.data(), count, diff_lookup.data(), c.dim, skip_padding,
                                                 expected_table.data(), expected_marks.data(),
                                                 expected_rows.data(), expected_count, c.vocab);
      fused_count = embedding_mean_pool_backward(c.ids.data(), c.batch, c.seq, diff_pooled.data(), inverse.data(),
                                                 c.dim, skip_padding, fused_table.data(), fused_marks.data(),
                                                 fused_rows.data(), fused_count, c.vocab, scaled.data());

      ASSERT_EQ(fused_count, expected_count) << "skip_padding " << skip_padding;
      EXPECT_TRUE(std::equal(fused_rows.begin(), fused_rows.begin() + fused_count, expected_rows.begin()));
      EXPECT_EQ(fused_table, expected_table) << "skip_padding " << skip_padding << " scale " << scale;
      EXPECT_EQ(fused_marks, std::vector<std::uint8_t>(fused_marks.size(), 0));
    }
    const std::vector<std::int32_t> distinct =
        skip_padding ? std::vector<std::int32_t>{1, 3, 4, 7, 9, 10} : std::vector<std::int32_t>{0, 1, 3, 4, 7, 9, 10};
    EXPECT_EQ(std::vector<std::int32_t>(fused_rows.begin(), fused_rows.begin() + fused_count), distinct);
  }
}

TEST(EmbeddingSparseBackward, RowsAscendForSmallAndLargeVocabularies) {
  // 4 distinct ids: a vocabulary of 50 reads the marks back in order, one of 100000 sorts.
  const std::vector<std::int32_t> ids = {42, 7, 42, 13, 0, 29, 7};
  const std::int64_t dim = 2;
  const std::vector<float> diff_dst(ids.size() * dim, 1.0f);
  for (std::int64_t vocab : {50, 100000}) {
    std::vector<float> diff_table(static_cast<std::size_t>(vocab * dim), 0.0f);
    std::vector<std::uint8_t> marks(static_cast<std::size_t>(vocab), 0);
    std::vector<std::int32_t> rows(ids.size());
    const std::int64_t count = embedding_sparse_backward(ids.data(), static_cast<std::int64_t>(ids.size()),
                                                         diff_dst.data(), dim, true, diff_table.data(), marks.data(),
                                                         rows.data(), 0, vocab);
    EXPECT_EQ(std::vector<std::int32_t>(rows.begin(), rows.begin() + count), (std::vector<std::int32_t>{7, 13, 29, 42}))
        << "vocab " << vocab;
    EXPECT_EQ(diff_table[42 * dim], 2.0f) << "vocab " << vocab;
    EXPECT_EQ(std::count(marks.begin(), marks.end(), 0), vocab) << "vocab " << vocab;
  }
}

}  // namespace
}  // namespace maas::kernels
