#pragma once
// Embedding lookup and its gradient. The table is row-major [vocab, dim].

#include <cstdint>

namespace maas::kernels {

// Returns the flat index of the first id outside [0, vocab), or -1 when all are valid.
std::int64_t find_invalid_id(const std::int32_t* ids, std::int64_t count, std::int64_t vocab);

// Copies table row ids[i] to dst row i for each of the `count` ids. dst is [count, dim].
// Ids must be valid (see find_invalid_id).
void embedding_gather(const std::int32_t* ids, std::int64_t count, const float* table,
                      std::int64_t dim, float* dst);

// Adds diff_dst row i to diff_table row ids[i] for each of the `count` ids, so repeated
// ids accumulate. The caller zeroes diff_table first. Each table row is summed in
// position order whatever the thread count, so results are bitwise reproducible.
void embedding_scatter_add(const std::int32_t* ids, std::int64_t count, const float* diff_dst,
                           std::int64_t dim, float* diff_table, std::int64_t vocab);

}  // namespace maas::kernels
