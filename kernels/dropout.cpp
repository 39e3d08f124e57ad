#include "kernels/dropout.h"

#include "kernels/runtime.h"

namespace maas::kernels {
namespace {

// Below this many elements a loop runs on one thread (see kMinParallelWork in runtime.h).
constexpr std::int64_t kParallelThreshold = kMinParallelWork;

}  // namespace

void dropout_make_mask(const float* uniforms, std::int64_t count, float rate, float* mask) {
  apply_thread_count();
  const float keep_scale = 1.0f / (1.0f - rate);
#pragma omp parallel for schedule(static) if (count > kParallelThreshold)
  for (std::int64_t i = 0; i < count; ++i) {
    mask[i] = uniforms[i] >= rate ? keep_scale : 0.0f;
  }
}

void dropout_apply(const float* src, const float* mask, std::int64_t count, float* dst) {
  apply_thread_count();
#pragma omp parallel for schedule(static) if (count > kParallelThreshold)
  for (std::int64_t i = 0; i < count; ++i) {
    dst[i] = src[i] * mask[i];
  }
}

}  // namespace maas::kernels
