#include "kernels/embedding.h"

#include <omp.h>

#include <algorithm>
#include <cstring>

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

std::int64_t embedding_sparse_backward(const std::int32_t* ids, std::int64_t count,
                                       const float* diff_dst, std::int64_t dim,
                                       bool skip_padding, float* diff_table,
                                       std::uint8_t* marks, std::int32_t* rows,
                                       std::int64_t previous_rows) {
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
  std::sort(rows, rows + row_count);
  for (std::int64_t r = 0; r < row_count; ++r) {
    marks[rows[r]] = 0;
  }

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

}  // namespace maas::kernels
