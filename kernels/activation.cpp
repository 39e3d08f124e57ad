#include "kernels/activation.h"

#include <algorithm>
#include <cmath>

#include "kernels/runtime.h"

namespace maas::kernels {
namespace {

// Below this many elements a parallel region costs more than it saves.
// Below this many elements a loop runs on one thread (see kMinParallelWork in runtime.h).
constexpr std::int64_t kParallelThreshold = kMinParallelWork;

void softmax_row(float* row, std::int64_t cols) {
  float max_value = row[0];
  for (std::int64_t j = 1; j < cols; ++j) {
    max_value = std::max(max_value, row[j]);
  }
  float sum = 0.0f;
  for (std::int64_t j = 0; j < cols; ++j) {
    row[j] = std::exp(row[j] - max_value);
    sum += row[j];
  }
  const float inverse = 1.0f / sum;
  for (std::int64_t j = 0; j < cols; ++j) {
    row[j] *= inverse;
  }
}

}  // namespace

float stable_sigmoid(float x) {
  if (x >= 0.0f) {
    return 1.0f / (1.0f + std::exp(-x));
  }
  const float e = std::exp(x);
  return e / (1.0f + e);
}

void activation_forward_inplace(Activation activation, float* values, std::int64_t rows,
                                std::int64_t cols) {
  apply_thread_count();
  const std::int64_t count = rows * cols;
  switch (activation) {
    case Activation::kLinear:
      return;
    case Activation::kRelu:
#pragma omp parallel for schedule(static) if (count > kParallelThreshold)
      for (std::int64_t i = 0; i < count; ++i) {
        values[i] = std::max(values[i], 0.0f);
      }
      return;
    case Activation::kTanh:
#pragma omp parallel for schedule(static) if (count > kParallelThreshold)
      for (std::int64_t i = 0; i < count; ++i) {
        values[i] = std::tanh(values[i]);
      }
      return;
    case Activation::kSigmoid:
#pragma omp parallel for schedule(static) if (count > kParallelThreshold)
      for (std::int64_t i = 0; i < count; ++i) {
        values[i] = stable_sigmoid(values[i]);
      }
      return;
    case Activation::kSoftmax:
#pragma omp parallel for schedule(static) if (count > kParallelThreshold)
      for (std::int64_t r = 0; r < rows; ++r) {
        softmax_row(values + r * cols, cols);
      }
      return;
  }
}

void activation_backward(Activation activation, const float* dst, const float* diff_dst,
                         float* diff_src, std::int64_t rows, std::int64_t cols) {
  apply_thread_count();
  const std::int64_t count = rows * cols;
  switch (activation) {
    case Activation::kLinear:
      std::copy(diff_dst, diff_dst + count, diff_src);
      return;
    case Activation::kRelu:
      // relu'(x) is 1 where the output is positive and 0 elsewhere, including x = 0.
#pragma omp parallel for schedule(static) if (count > kParallelThreshold)
      for (std::int64_t i = 0; i < count; ++i) {
        diff_src[i] = dst[i] > 0.0f ? diff_dst[i] : 0.0f;
      }
      return;
    case Activation::kTanh:
      // d tanh(x) / dx = 1 - y^2.
#pragma omp parallel for schedule(static) if (count > kParallelThreshold)
      for (std::int64_t i = 0; i < count; ++i) {
        diff_src[i] = diff_dst[i] * (1.0f - dst[i] * dst[i]);
      }
      return;
    case Activation::kSigmoid:
      // d sigmoid(x) / dx = y (1 - y).
#pragma omp parallel for schedule(static) if (count > kParallelThreshold)
      for (std::int64_t i = 0; i < count; ++i) {
        diff_src[i] = diff_dst[i] * dst[i] * (1.0f - dst[i]);
      }
      return;
    case Activation::kSoftmax:
      // For y = softmax(x) per row: dx_j = y_j (dy_j - sum_k dy_k y_k).
#pragma omp parallel for schedule(static) if (count > kParallelThreshold)
      for (std::int64_t r = 0; r < rows; ++r) {
        const float* y = dst + r * cols;
        const float* dy = diff_dst + r * cols;
        float* dx = diff_src + r * cols;
        float dot = 0.0f;
        for (std::int64_t j = 0; j < cols; ++j) {
          dot += dy[j] * y[j];
        }
        for (std::int64_t j = 0; j < cols; ++j) {
          dx[j] = y[j] * (dy[j] - dot);
        }
      }
      return;
  }
}

}  // namespace maas::kernels
