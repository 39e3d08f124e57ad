#include "kernels/pooling.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace maas::kernels {
namespace {

// src [2, 3, 2]; row 0 has ids {5, 0, 7} so positions 0 and 2 count; row 1 is all padding.
const std::vector<float> kSrc = {1, 2, 100, 200, 3, 6,  //
                                 4, 5, 6, 7, 8, 9};
const std::vector<std::int32_t> kIds = {5, 0, 7, 0, 0, 0};

TEST(MeanPoolForward, MaskedAveragesNonPaddingPositions) {
  std::vector<float> dst(4, -1.0f);
  std::vector<float> inverse_counts(2, -1.0f);
  mean_pool_forward(kSrc.data(), kIds.data(), 2, 3, 2, dst.data(), inverse_counts.data());

  // Row 0: (1 + 3) / 2 = 2 and (2 + 6) / 2 = 4. Row 1 has no counted position: zeros.
  EXPECT_EQ(dst, (std::vector<float>{2, 4, 0, 0}));
  EXPECT_EQ(inverse_counts, (std::vector<float>{0.5f, 0.0f}));
}

TEST(MeanPoolForward, UnmaskedAveragesAllPositions) {
  std::vector<float> dst(4);
  std::vector<float> inverse_counts(2);
  mean_pool_forward(kSrc.data(), nullptr, 2, 3, 2, dst.data(), inverse_counts.data());

  // Row 0: (1 + 100 + 3) / 3 and (2 + 200 + 6) / 3. Row 1: (4 + 6 + 8) / 3, (5 + 7 + 9) / 3.
  const std::vector<float> expected = {104.0f / 3, 208.0f / 3, 6.0f, 7.0f};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(dst[i], expected[i], 1e-5f) << i;
  }
}

TEST(MeanPoolBackward, MaskedSpreadsOverCountedPositions) {
  const std::vector<float> diff_dst = {2, 4, 8, 16};
  const std::vector<float> inverse_counts = {0.5f, 0.0f};
  std::vector<float> diff_src(12, -1.0f);
  mean_pool_backward(diff_dst.data(), kIds.data(), 2, 3, 2, inverse_counts.data(), diff_src.data());

  const std::vector<float> expected = {1, 2, 0, 0, 1, 2,  //
                                       0, 0, 0, 0, 0, 0};
  EXPECT_EQ(diff_src, expected);
}

TEST(MeanPool, MatchesNaiveLoopsOnRandomInput) {
  const std::int64_t batch = 9;
  const std::int64_t seq = 37;
  const std::int64_t dim = 128;  // Large enough for the parallel path.
  std::vector<float> src(batch * seq * dim);
  std::vector<std::int32_t> ids(batch * seq);
  for (std::size_t i = 0; i < src.size(); ++i) {
    src[i] = std::sin(static_cast<float>(i));
  }
  for (std::int64_t b = 0; b < batch; ++b) {
    for (std::int64_t t = 0; t < seq; ++t) {
      // Row b has its first b * 4 positions as tokens and the rest as padding.
      ids[b * seq + t] = t < b * 4 ? static_cast<std::int32_t>(t + 1) : 0;
    }
  }

  std::vector<float> dst(batch * dim);
  std::vector<float> inverse_counts(batch);
  mean_pool_forward(src.data(), ids.data(), batch, seq, dim, dst.data(), inverse_counts.data());

  for (std::int64_t b = 0; b < batch; ++b) {
    const std::int64_t count = std::min<std::int64_t>(b * 4, seq);
    for (std::int64_t j = 0; j < dim; ++j) {
      double sum = 0.0;
      for (std::int64_t t = 0; t < count; ++t) {
        sum += src[(b * seq + t) * dim + j];
      }
      const double expected = count > 0 ? sum / count : 0.0;
      ASSERT_NEAR(dst[b * dim + j], expected, 1e-5) << "row " << b << " column " << j;
    }
  }
}

}  // namespace
}  // namespace maas::kernels
