#pragma once
// Layer normalization over the last axis of a row-major [rows, features] float array.

#include <cstdint>

namespace maas::kernels {

// Computes dst = gamma * (src - mean) * rstd + beta per row, with mean and variance over the
// row's `features` values and rstd = 1 / sqrt(variance + epsilon). Writes each row's mean and
// rstd to `mean` and `rstd` [rows] for the backward pass.
void layer_norm_forward(const float* src, const float* gamma, const float* beta, std::int64_t rows,
                        std::int64_t features, float epsilon, float* dst, float* mean, float* rstd);

// Computes diff_src [rows, features] (overwritten), and diff_gamma and diff_beta [features]
// (overwritten), from src, diff_dst and the mean and rstd of the forward pass.
void layer_norm_backward(const float* src, const float* diff_dst, const float* gamma,
                         const float* mean, const float* rstd, std::int64_t rows,
                         std::int64_t features, float* diff_src, float* diff_gamma,
                         float* diff_beta);

}  // namespace maas::kernels
