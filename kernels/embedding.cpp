#include "kernels/embedding.h"

#include <omp.h>

#include <algorithm>
#include <cstring>

#include "kernels/mean_rows.h"
#include "kernels/runtime.h"

namespace maas::kernels {
namespace {

// Below this many elements a loop runs on one thread (see kMinParallelWork in runtime.h).
constexpr std::int64_t kParallelThreshold = kMinParallelWork;

}  // namespace

std::int64_t find_invalid_id(const std::int32_t* ids, std::int64_t count, std::int64_t vocab) {
  for (std::int64_t i = 0; i < count; ++i) {
    if (ids[i] < 0 || ids[i] >= vocab) {
      return i;
    }
  }
  return -1;
}

void embedding_gather(const std::int32_t* ids, std::int64_t count, const float* table,
                      std::int64_t dim, float* dst, bool skip_padding) {
  apply_thread_count();
  const auto row_bytes = static_cast<std::size_t>(dim) * sizeof(float);
#pragma omp parallel for schedule(static) if (count * dim > kParallelThreshold)
  for (std::int64_t i = 0; i < count; ++i) {
    if (skip_padding && ids[i] == 0) {
      continue;
    }
    std::memcpy(dst + i * dim, table + static_cast<std::int64_t>(ids[i]) * dim, row_bytes);
  }
}

void embedding_scatter_add(const std::int32_t* ids, std::int64_t count, const float* diff_dst,
                           std::int64_t dim, float* diff_table, std::int64_t vocab) {
  apply_thread_count();
  // Each thread owns a contiguous range of table rows and scans every position, adding
  // only rows in its range. No two threads write the same row and each row adds its
  // positions in order, which keeps the sums identical for any thread count.
#pragma omp parallel if (count * dim > kParallelThreshold)
  {
    const std::int64_t threads = omp_get_num_threads();
    const std::int64_t thread = omp_get_thread_num();
    const std::int64_t rows_per_thread = (vocab + threads - 1) / threads;
    const std::int64_t first = thread * rows_per_thread;
    const std::int64_t last = std::min(vocab, first + rows_per_thread);
    for (std::int64_t i = 0; i < count; ++i) {
      const std::int64_t id = ids[i];
      if (id < first || id >= last) {
        continue;
      }
      float* row = diff_table + id * dim;
      const float* source = diff_dst + i * dim;
      for (std::int64_t j = 0; j < dim; ++j) {
        row[j] += source[j];
      }
    }
  }
}

namespace {

// Zeroes the `previous_rows` rows listed in `rows`, then writes the distinct ids of this batch
// (without id 0 when skip_padding) to `rows` in ascending order and returns their number.
// `marks` has `vocab` bytes, zero on entry and on return.
std::int64_t collect_rows(const std::int32_t* ids, std::int64_t count, std::int64_t dim, bool skip_padding,
                          float* diff_table, std::uint8_t* marks, std::int32_t* rows,
                          std::int64_t previous_rows, std::int64_t vocab) {
  const auto row_bytes = static_cast<std::size_t>(dim) * sizeof(float);
  for (std::int64_t r = 0; r < previous_rows; ++r) {
    std::memset(diff_table + static_cast<std::int64_t>(rows[r]) * dim, 0, row_bytes);
  }

  // A batch touches a few hundred rows, so one thread is faster than any split: the loops
  // below are memory-bound and short.
  std::int64_t row_count = 0;
  for (std::int64_t i = 0; i < count; ++i) {
    const std::int32_t id = ids[i];
    if ((skip_padding && id == 0) || marks[id] != 0) {
      continue;
    }
    marks[id] = 1;
    rows[row_count++] = id;
  }
  // Both ways give the ascending list. Reading the marks back in id order costs one pass over
  // `vocab` bytes, which beats sorting while the vocabulary is small next to the batch. With a
  // large n-gram table the sort is the cheaper one.
  if (vocab <= 32 * row_count) {
    std::int64_t next = 0;
    std::int64_t id = 0;
    for (; id + 8 <= vocab && next < row_count; id += 8) {
      std::uint64_t word;  // eight marks at once: most words of a sparse batch are zero
      std::memcpy(&word, marks + id, sizeof(word));
      if (word == 0) continue;
      for (std::int64_t k = id; k < id + 8; ++k) {
        if (marks[k] != 0) {
          marks[k] = 0;
          rows[next++] = static_cast<std::int32_t>(k);
        }
      }
    }
    for (; id < vocab && next < row_count; ++id) {
      if (marks[id] != 0) {
        marks[id] = 0;
        rows[next++] = static_cast<std::int32_t>(id);
      }
    }
    return row_count;
  }
  std::sort(rows, rows + row_count);
  for (std::int64_t r = 0; r < row_count; ++r) {
    marks[rows[r]] = 0;
  }
  return row_count;
}

}  // namespace

std::int64_t embedding_sparse_backward(const std::int32_t* ids, std::int64_t count,
                                       const float* diff_dst, std::int64_t dim,
                                       bool skip_padding, float* diff_table,
                                       std::uint8_t* marks, std::int32_t* rows,
                                       std::int64_t previous_rows, std::int64_t vocab) {
  const std::int64_t row_count =
      collect_rows(ids, count, dim, skip_padding, diff_table, marks, rows, previous_rows, vocab);
  for (std::int64_t i = 0; i < count; ++i) {
    const std::int64_t id = ids[i];
    if (skip_padding && id == 0) {
      continue;
    }
    float* row = diff_table + id * dim;
    const float* source = diff_dst + i * dim;
    for (std::int64_t j = 0; j < dim; ++j) {
      row[j] += source[j];
    }
  }
  return row_count;
}

MAAS_CPU_CLONES void embedding_mean_pool_forward(const std::int32_t* ids, std::int64_t batch, std::int64_t seq,
                                 const float* table, std::int64_t dim, bool skip_padding, float* dst,
                                 float* inverse_counts) {
  apply_thread_count();
#pragma omp parallel for schedule(static) if (batch * seq * dim > kParallelThreshold)
  for (std::int64_t b = 0; b < batch; ++b) {
    const std::int32_t* row_ids = ids + b * seq;
    inverse_counts[b] = mean_of_rows(
        seq, dim, [&](std::int64_t t) { return !skip_padding || row_ids[t] != 0; },
        [&](std::int64_t t) { return table + static_cast<std::int64_t>(row_ids[t]) * dim; }, dst + b * dim);
  }
}

MAAS_CPU_CLONES std::int64_t embedding_mean_pool_backward(
    const std::int32_t* ids, std::int64_t batch, std::int64_t seq, const float* diff_dst,
    const float* inverse_counts, std::int64_t dim, bool skip_padding, float* diff_table, std::uint8_t* marks,
    std::int32_t* rows, std::int64_t previous_rows, std::int64_t vocab, float* scaled) {
  const std::int64_t row_count =
      collect_rows(ids, batch * seq, dim, skip_padding, diff_table, marks, rows, previous_rows, vocab);
  for (std::int64_t b = 0; b < batch; ++b) {
    // The product is rounded once per row of the batch, as mean_pool_backward rounds it, so
    // no clone can fuse it with the add below.
    const float scale = inverse_counts[b];
    const float* gradient = diff_dst + b * dim;
    for (std::int64_t j = 0; j < dim; ++j) {
      scaled[j] = scale * gradient[j];
    }
    for (std::int64_t t = 0; t < seq; ++t) {
      const std::int64_t id = ids[b * seq + t];
      if (skip_padding && id == 0) {
        continue;
      }
      float* row = diff_table + id * dim;
      for (std::int64_t j = 0; j < dim; ++j) {
        row[j] += scaled[j];
      }
    }
  }
  return row_count;
}

}  // namespace maas::kernels
