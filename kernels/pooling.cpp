#include "kernels/pooling.h"

#include <algorithm>

#include "kernels/mean_rows.h"
#include "kernels/runtime.h"

namespace maas::kernels {
namespace {

// Below this many elements a loop runs on one thread (see kMinParallelWork in runtime.h).
constexpr std::int64_t kParallelThreshold = kMinParallelWork;

bool counted(const std::int32_t* ids, std::int64_t position) {
  return ids == nullptr || ids[position] != 0;
}

}  // namespace

void mean_pool_forward(const float* src, const std::int32_t* ids, std::int64_t batch,
                       std::int64_t seq, std::int64_t dim, float* dst, float* inverse_counts) {
  apply_thread_count();
#pragma omp parallel for schedule(static) if (batch * seq * dim > kParallelThreshold)
  for (std::int64_t b = 0; b < batch; ++b) {
    inverse_counts[b] = mean_of_rows(
        seq, dim, [&](std::int64_t t) { return counted(ids, b * seq + t); },
        [&](std::int64_t t) { return src + (b * seq + t) * dim; }, dst + b * dim);
  }
}

void mean_pool_backward(const float* diff_dst, const std::int32_t* ids, std::int64_t batch,
                        std::int64_t seq, std::int64_t dim, const float* inverse_counts,
                        float* diff_src) {
  apply_thread_count();
#pragma omp parallel for schedule(static) if (batch * seq * dim > kParallelThreshold)
  for (std::int64_t b = 0; b < batch; ++b) {
    const float* gradient = diff_dst + b * dim;
    for (std::int64_t t = 0; t < seq; ++t) {
      float* out = diff_src + (b * seq + t) * dim;
      const float scale = counted(ids, b * seq + t) ? inverse_counts[b] : 0.0f;
      for (std::int64_t j = 0; j < dim; ++j) {
        out[j] = scale * gradient[j];
      }
    }
  }
}

}  // namespace maas::kernels
