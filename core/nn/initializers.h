#pragma once
// Weight initialisers with the Keras defaults.

#include <cstdint>

#include "core/nn/random.h"
#include "core/tensor/tensor.h"

namespace maas::nn {

// Keras's default limit for Embedding ("uniform" with minval -0.05, maxval 0.05).
inline constexpr float kEmbeddingInitLimit = 0.05f;

// Fills a float32 tensor with independent draws from uniform(-limit, limit).
void fill_uniform(Tensor& tensor, float limit, Rng& rng);

// Returns the Glorot (Xavier) uniform limit sqrt(6 / (fan_in + fan_out)).
float glorot_uniform_limit(std::int64_t fan_in, std::int64_t fan_out);

}  // namespace maas::nn
