#pragma once
// Mean pooling over the sequence axis: src [batch, seq, dim] -> dst [batch, dim].

#include <cstdint>

namespace maas::kernels {

// Averages each row of src over seq. With `ids` ([batch, seq]), only positions whose
// id is not 0 count, and a row with no such position gives zeros. With ids == nullptr
// every position counts. Writes the weight of each position per row to
// inverse_counts [batch]: 1 / (counted positions), or 0 for an all-padding row.
void mean_pool_forward(const float* src, const std::int32_t* ids, std::int64_t batch,
                       std::int64_t seq, std::int64_t dim, float* dst, float* inverse_counts);

// Spreads diff_dst [batch, dim] back over the counted positions:
// diff_src[b, t, :] = mask[b, t] * inverse_counts[b] * diff_dst[b, :], where mask is 1
// for counted positions and 0 for padding. diff_src is overwritten.
void mean_pool_backward(const float* diff_dst, const std::int32_t* ids, std::int64_t batch,
                        std::int64_t seq, std::int64_t dim, const float* inverse_counts,
                        float* diff_src);

}  // namespace maas::kernels
