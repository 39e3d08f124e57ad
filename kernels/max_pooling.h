#pragma once
// Max pooling over the sequence axis: src [batch, seq, dim] -> dst [batch, dim].

#include <cstdint>

namespace maas::kernels {

// Takes the maximum of each feature over seq. With `ids` ([batch, seq]), only positions whose
// id is not 0 count, and a row with no such position gives zeros. With ids == nullptr every
// position counts. Writes the winning position of each output to argmax [batch, dim] (the
// first one on ties), or -1 where the row has no counted position.
void max_pool_forward(const float* src, const std::int32_t* ids, std::int64_t batch,
                      std::int64_t seq, std::int64_t dim, float* dst, std::int32_t* argmax);

// Routes diff_dst [batch, dim] to the winning positions: diff_src[b, argmax[b, j], j] =
// diff_dst[b, j], and 0 everywhere else. diff_src [batch, seq, dim] is overwritten.
void max_pool_backward(const float* diff_dst, const std::int32_t* argmax, std::int64_t batch,
                       std::int64_t seq, std::int64_t dim, float* diff_src);

}  // namespace maas::kernels
