#include "kernels/optimizers.h"

#include <cmath>

#include "kernels/runtime.h"

namespace maas::kernels {
namespace {

constexpr std::int64_t kParallelThreshold = 1 << 15;

}  // namespace

void sgd_update(float* weights, const float* grads, float* velocity, std::int64_t count,
                float learning_rate, float momentum, bool nesterov) {
  apply_thread_count();
  if (momentum == 0.0f) {
#pragma omp parallel for simd schedule(static) if (count > kParallelThreshold)
    for (std::int64_t i = 0; i < count; ++i) {
      weights[i] -= learning_rate * grads[i];
    }
    return;
  }
  if (nesterov) {
#pragma omp parallel for simd schedule(static) if (count > kParallelThreshold)
    for (std::int64_t i = 0; i < count; ++i) {
      velocity[i] = momentum * velocity[i] - learning_rate * grads[i];
      weights[i] += momentum * velocity[i] - learning_rate * grads[i];
    }
    return;
  }
#pragma omp parallel for simd schedule(static) if (count > kParallelThreshold)
  for (std::int64_t i = 0; i < count; ++i) {
    velocity[i] = momentum * velocity[i] - learning_rate * grads[i];
    weights[i] += velocity[i];
  }
}

void adam_update(float* weights, const float* grads, float* first_moment, float* second_moment,
                 std::int64_t count, float corrected_rate, float beta_1, float beta_2,
                 float epsilon) {
  apply_thread_count();
  const float one_minus_beta_1 = 1.0f - beta_1;
  const float one_minus_beta_2 = 1.0f - beta_2;
#pragma omp parallel for simd schedule(static) if (count > kParallelThreshold)
  for (std::int64_t i = 0; i < count; ++i) {
    const float g = grads[i];
    first_moment[i] = beta_1 * first_moment[i] + one_minus_beta_1 * g;
    second_moment[i] = beta_2 * second_moment[i] + one_minus_beta_2 * g * g;
    weights[i] -= corrected_rate * first_moment[i] / (std::sqrt(second_moment[i]) + epsilon);
  }
}

}  // namespace maas::kernels
