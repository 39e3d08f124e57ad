#include "kernels/optimizers.h"

#include <algorithm>
#include <cmath>

#include "kernels/runtime.h"

namespace maas::kernels {
namespace {

// Below this many elements a loop runs on one thread (see kMinParallelWork in runtime.h).
constexpr std::int64_t kParallelThreshold = kMinParallelWork;

// Elements per parallel work item of the whole-tensor updates: 16 KiB of each array.
constexpr std::int64_t kBlock = 4096;

// Applies one Adam step to `count` contiguous elements. Callers pass arrays that do not overlap,
// so `omp simd` may vectorise the loop without overlap checks. Inlined so that it is compiled
// for each instruction set of its callers (see MAAS_CPU_CLONES).
[[gnu::always_inline]] inline void adam_update_span(float* weights, const float* grads, float* first_moment,
                      float* second_moment, std::int64_t count, float corrected_rate, float beta_1,
                      float beta_2, float epsilon) {
  const float one_minus_beta_1 = 1.0f - beta_1;
  const float one_minus_beta_2 = 1.0f - beta_2;
#pragma omp simd
  for (std::int64_t i = 0; i < count; ++i) {
    const float g = grads[i];
    first_moment[i] = beta_1 * first_moment[i] + one_minus_beta_1 * g;
    second_moment[i] = beta_2 * second_moment[i] + one_minus_beta_2 * g * g;
    weights[i] -= corrected_rate * first_moment[i] / (std::sqrt(second_moment[i]) + epsilon);
  }
}

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

MAAS_CPU_CLONES void adam_update(float* weights, const float* grads, float* first_moment, float* second_moment,
                 std::int64_t count, float corrected_rate, float beta_1, float beta_2,
                 float epsilon) {
  apply_thread_count();
  if (count <= kParallelThreshold) {
    adam_update_span(weights, grads, first_moment, second_moment, count, corrected_rate, beta_1,
                     beta_2, epsilon);
    return;
  }
  // Each element is updated on its own, so any split gives the same result.
  const std::int64_t blocks = (count + kBlock - 1) / kBlock;
#pragma omp parallel for schedule(static)
  for (std::int64_t block = 0; block < blocks; ++block) {
    const std::int64_t offset = block * kBlock;
    adam_update_span(weights + offset, grads + offset, first_moment + offset,
                     second_moment + offset, std::min(kBlock, count - offset), corrected_rate,
                     beta_1, beta_2, epsilon);
  }
}

// The row loops run on one thread: a batch touches a few hundred rows of 64 floats, too
// little work to pay for an OpenMP barrier.

void sgd_update_rows(float* weights, const float* grads, float* velocity,
                     const std::int32_t* rows, std::int64_t row_count, std::int64_t dim,
                     float learning_rate, float momentum, bool nesterov) {
  for (std::int64_t r = 0; r < row_count; ++r) {
    const std::int64_t offset = static_cast<std::int64_t>(rows[r]) * dim;
    sgd_update(weights + offset, grads + offset, velocity == nullptr ? nullptr : velocity + offset, dim,
               learning_rate, momentum, nesterov);
  }
}

MAAS_CPU_CLONES void adam_update_rows(float* weights, const float* grads, float* first_moment,
                      float* second_moment, const std::int32_t* rows, std::int64_t row_count,
                      std::int64_t dim, float corrected_rate, float beta_1, float beta_2,
                      float epsilon) {
  for (std::int64_t r = 0; r < row_count; ++r) {
    const std::int64_t offset = static_cast<std::int64_t>(rows[r]) * dim;
    adam_update_span(weights + offset, grads + offset, first_moment + offset,
                     second_moment + offset, dim, corrected_rate, beta_1, beta_2, epsilon);
  }
}

void decay_weights(float* weights, std::int64_t count, float factor) {
  apply_thread_count();
#pragma omp parallel for simd schedule(static) if (count > kParallelThreshold)
  for (std::int64_t i = 0; i < count; ++i) {
    weights[i] -= weights[i] * factor;
  }
}

void decay_weight_rows(float* weights, const std::int32_t* rows, std::int64_t row_count,
                       std::int64_t dim, float factor) {
  for (std::int64_t r = 0; r < row_count; ++r) {
    float* w = weights + static_cast<std::int64_t>(rows[r]) * dim;
    for (std::int64_t j = 0; j < dim; ++j) {
      w[j] -= w[j] * factor;
    }
  }
}

double sum_of_squares(const float* values, std::int64_t count) {
  double sum = 0.0;
  for (std::int64_t i = 0; i < count; ++i) {
    sum += static_cast<double>(values[i]) * static_cast<double>(values[i]);
  }
  return sum;
}

double sum_of_squares_rows(const float* values, const std::int32_t* rows,
                           std::int64_t row_count, std::int64_t dim) {
  double sum = 0.0;
  for (std::int64_t r = 0; r < row_count; ++r) {
    sum += sum_of_squares(values + static_cast<std::int64_t>(rows[r]) * dim, dim);
  }
  return sum;
}

void scale_values(float* values, std::int64_t count, float factor) {
  for (std::int64_t i = 0; i < count; ++i) {
    values[i] *= factor;
  }
}

void scale_value_rows(float* values, const std::int32_t* rows, std::int64_t row_count,
                      std::int64_t dim, float factor) {
  for (std::int64_t r = 0; r < row_count; ++r) {
    scale_values(values + static_cast<std::int64_t>(rows[r]) * dim, dim, factor);
  }
}

}  // namespace maas::kernels
