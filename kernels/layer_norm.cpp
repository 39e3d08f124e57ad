#include "kernels/layer_norm.h"

#include <algorithm>
#include <cmath>

#include "kernels/runtime.h"

namespace maas::kernels {

void layer_norm_forward(const float* src, const float* gamma, const float* beta, std::int64_t rows,
                        std::int64_t features, float epsilon, float* dst, float* mean, float* rstd) {
  apply_thread_count();
#pragma omp parallel for schedule(static) if (rows * features > kMinParallelWork)
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* x = src + r * features;
    float* y = dst + r * features;
    // Two passes in double: the mean first, then the variance around it, which stays accurate
    // when the mean is large compared with the spread.
    double sum = 0.0;
    for (std::int64_t j = 0; j < features; ++j) sum += x[j];
    const double mu = sum / static_cast<double>(features);
    double squares = 0.0;
    for (std::int64_t j = 0; j < features; ++j) squares += (x[j] - mu) * (x[j] - mu);
    const double variance = squares / static_cast<double>(features);
    const auto inverse = static_cast<float>(1.0 / std::sqrt(variance + epsilon));
    const auto mean_value = static_cast<float>(mu);
    for (std::int64_t j = 0; j < features; ++j) {
      y[j] = gamma[j] * ((x[j] - mean_value) * inverse) + beta[j];
    }
    mean[r] = mean_value;
    rstd[r] = inverse;
  }
}

void layer_norm_backward(const float* src, const float* diff_dst, const float* gamma,
                         const float* mean, const float* rstd, std::int64_t rows,
                         std::int64_t features, float* diff_src, float* diff_gamma,
                         float* diff_beta) {
  apply_thread_count();
#pragma omp parallel for schedule(static) if (rows * features > kMinParallelWork)
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* x = src + r * features;
    const float* dy = diff_dst + r * features;
    float* dx = diff_src + r * features;
    double mean_dxhat = 0.0;
    double mean_dxhat_xhat = 0.0;
    for (std::int64_t j = 0; j < features; ++j) {
      const double xhat = (x[j] - mean[r]) * rstd[r];
      const double dxhat = static_cast<double>(dy[j]) * gamma[j];
      mean_dxhat += dxhat;
      mean_dxhat_xhat += dxhat * xhat;
    }
    mean_dxhat /= static_cast<double>(features);
    mean_dxhat_xhat /= static_cast<double>(features);
    for (std::int64_t j = 0; j < features; ++j) {
      const double xhat = (x[j] - mean[r]) * rstd[r];
      const double dxhat = static_cast<double>(dy[j]) * gamma[j];
      dx[j] = static_cast<float>(rstd[r] * (dxhat - mean_dxhat - xhat * mean_dxhat_xhat));
    }
  }
  // The parameter gradients sum over rows in a fixed order on one thread, so they do not
  // depend on the thread count.
  std::fill(diff_gamma, diff_gamma + features, 0.0f);
  std::fill(diff_beta, diff_beta + features, 0.0f);
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* x = src + r * features;
    const float* dy = diff_dst + r * features;
    for (std::int64_t j = 0; j < features; ++j) {
      diff_gamma[j] += dy[j] * ((x[j] - mean[r]) * rstd[r]);
      diff_beta[j] += dy[j];
    }
  }
}

}  // namespace maas::kernels
