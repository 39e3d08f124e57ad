#pragma once
// Fully connected kernels on oneDNN matmul primitives.
//
// Layout: src [batch, in], weights [out, in] (oneDNN "oi"), bias [out], dst [batch, out],
// all row-major float32. Primitives are created once per shape and pass and reused
// from a process-wide cache. Every function may run from several threads at once,
// because each thread executes on its own stream and scratchpad.
//
// Errors: std::invalid_argument for a size below 1 (kernels cannot use the core/
// exception family), and dnnl::error when oneDNN rejects a primitive.

#include <cstddef>
#include <cstdint>

#include "kernels/activation.h"

namespace maas::kernels {

struct DenseShape {
  std::int64_t batch = 0;
  std::int64_t in = 0;
  std::int64_t out = 0;
  // Applied after the affine map by dense_forward. Relu, tanh and sigmoid run as a fused
  // oneDNN post-op, softmax as a separate loop over each row.
  Activation activation = Activation::kLinear;
};

// The propagation kinds that have their own primitive in the cache.
enum class DensePass { kForwardTraining, kForwardInference, kBackwardData, kBackwardWeights };

// Computes dst = activation(src * weights^T + bias). `training` selects the
// forward-training primitive, whose output is what activation_backward needs.
void dense_forward(const DenseShape& shape, const float* src, const float* weights,
                   const float* bias, float* dst, bool training);

// Computes diff_src = diff_pre * weights, where diff_pre [batch, out] is the gradient
// with respect to the affine output before the activation.
void dense_backward_data(const DenseShape& shape, const float* diff_pre, const float* weights,
                         float* diff_src);

// Computes diff_weights = diff_pre^T * src and diff_bias = the column sums of diff_pre.
// Both outputs are overwritten, not accumulated.
void dense_backward_weights(const DenseShape& shape, const float* src, const float* diff_pre,
                            float* diff_weights, float* diff_bias);

// Returns an opaque identity of the cached primitive for this shape and pass, creating
// it if needed. Two calls with the same arguments and thread count return the same value.
// The activation is part of the key only for forward passes.
const void* dense_primitive_id(const DenseShape& shape, DensePass pass);

// Returns the number of primitives in the cache.
std::size_t dense_primitive_cache_size();

}  // namespace maas::kernels
