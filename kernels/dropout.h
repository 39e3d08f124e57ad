#pragma once
// Inverted dropout with a precomputed mask.

#include <cstdint>

namespace maas::kernels {

// Fills mask[i] with 1 / (1 - rate) where uniforms[i] >= rate and 0 elsewhere, so the
// expected value of a masked activation equals the activation. Needs 0 <= rate < 1.
// mask may alias uniforms.
void dropout_make_mask(const float* uniforms, std::int64_t count, float rate, float* mask);

// Computes dst[i] = src[i] * mask[i]. The same call applies the mask to gradients in
// the backward pass. dst may alias src.
void dropout_apply(const float* src, const float* mask, std::int64_t count, float* dst);

}  // namespace maas::kernels
