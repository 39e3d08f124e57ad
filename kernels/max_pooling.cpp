#include "kernels/max_pooling.h"

#include <algorithm>

#include "kernels/runtime.h"

namespace maas::kernels {

void max_pool_forward(const float* src, const std::int32_t* ids, std::int64_t batch,
                      std::int64_t seq, std::int64_t dim, float* dst, std::int32_t* argmax) {
  apply_thread_count();
#pragma omp parallel for schedule(static) if (batch * seq * dim > kMinParallelWork)
  for (std::int64_t b = 0; b < batch; ++b) {
    float* out = dst + b * dim;
    std::int32_t* best = argmax + b * dim;
    std::fill(out, out + dim, 0.0f);
    std::fill(best, best + dim, -1);
    for (std::int64_t t = 0; t < seq; ++t) {
      if (ids != nullptr && ids[b * seq + t] == 0) {
        continue;
      }
      const float* in = src + (b * seq + t) * dim;
      for (std::int64_t j = 0; j < dim; ++j) {
        if (best[j] < 0 || in[j] > out[j]) {
          out[j] = in[j];
          best[j] = static_cast<std::int32_t>(t);
        }
      }
    }
  }
}

void max_pool_backward(const float* diff_dst, const std::int32_t* argmax, std::int64_t batch,
                       std::int64_t seq, std::int64_t dim, float* diff_src) {
  apply_thread_count();
#pragma omp parallel for schedule(static) if (batch * seq * dim > kMinParallelWork)
  for (std::int64_t b = 0; b < batch; ++b) {
    float* out = diff_src + b * seq * dim;
    std::fill(out, out + seq * dim, 0.0f);
    for (std::int64_t j = 0; j < dim; ++j) {
      const std::int32_t t = argmax[b * dim + j];
      if (t >= 0) {
        out[t * dim + j] = diff_dst[b * dim + j];
      }
    }
  }
}

}  // namespace maas::kernels
