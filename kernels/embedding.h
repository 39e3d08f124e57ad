#pragma once
// Embedding lookup and its gradient. The table is row-major [vocab, dim].

#include <cstdint>

namespace maas::kernels {

// Returns the flat index of the first id outside [0, vocab), or -1 when all are valid.
std::int64_t find_invalid_id(const std::int32_t* ids, std::int64_t count, std::int64_t vocab);

// Copies table row ids[i] to dst row i for each of the `count` ids. dst is [count, dim].
// Ids must be valid (see find_invalid_id). With skip_padding, dst rows of positions whose
// id is 0 (padding) are left unwritten, for a consumer that masks them.
void embedding_gather(const std::int32_t* ids, std::int64_t count, const float* table,
                      std::int64_t dim, float* dst, bool skip_padding = false);

// Adds diff_dst row i to diff_table row ids[i] for each of the `count` ids, so repeated
// ids accumulate. The caller zeroes diff_table first. Each table row is summed in
// position order whatever the thread count, so results are bitwise reproducible.
void embedding_scatter_add(const std::int32_t* ids, std::int64_t count, const float* diff_dst,
                           std::int64_t dim, float* diff_table, std::int64_t vocab);

// The row-sparse gradient of the table, for updates that touch only the rows a batch used.
//
// On entry, `rows` lists the `previous_rows` rows that the last call wrote, and every
// other row of diff_table is zero. The call zeroes those rows, collects the distinct ids
// of this batch (without id 0 when skip_padding) into `rows` in ascending order, and
// writes diff_table[id] = the sum of diff_dst rows of the positions holding id, added in
// position order so the result is the same for any thread count. Returns the number of
// rows written. `rows` has room for `count` entries, `marks` has `vocab` bytes that are
// zero on entry and on return.
std::int64_t embedding_sparse_backward(const std::int32_t* ids, std::int64_t count,
                                       const float* diff_dst, std::int64_t dim,
                                       bool skip_padding, float* diff_table,
                                       std::uint8_t* marks, std::int32_t* rows,
                                       std::int64_t previous_rows, std::int64_t vocab);

// Lookup followed by mean pooling over seq, in one pass that never writes the [batch, seq,
// dim] lookup: dst[b, :] = the mean of table[ids[b, t], :] over the counted positions, which
// are all positions, or those with an id other than 0 when skip_padding. Adds in the same
// order as embedding_gather then mean_pool_forward, so the result is the same bit for bit.
// inverse_counts [batch] receives 1 / (counted positions), or 0 for a row with none.
void embedding_mean_pool_forward(const std::int32_t* ids, std::int64_t batch, std::int64_t seq,
                                 const float* table, std::int64_t dim, bool skip_padding, float* dst,
                                 float* inverse_counts);

// The row-sparse table gradient of embedding_mean_pool_forward, with the contract of
// embedding_sparse_backward for `rows`, `marks` and `previous_rows`: diff_table[id] receives
// inverse_counts[b] * diff_dst[b, :] for each counted position (b, t) holding id, added in
// position order. `rows` has room for batch * seq entries and `scaled` for dim floats of
// scratch.
std::int64_t embedding_mean_pool_backward(const std::int32_t* ids, std::int64_t batch, std::int64_t seq,
                                          const float* diff_dst, const float* inverse_counts,
                                          std::int64_t dim, bool skip_padding, float* diff_table,
                                          std::uint8_t* marks, std::int32_t* rows,
                                          std::int64_t previous_rows, std::int64_t vocab, float* scaled);

}  // namespace maas::kernels
