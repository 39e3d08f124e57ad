#pragma once
// 1-D convolution kernels on oneDNN convolution primitives, stride 1 and no dilation.
//
// oneDNN 2.6 runs these plain layouts with its gemm-based convolution ("gemm:jit"); weights in
// "oiw" would fall back to the slow reference code.
//
// Layout, all row-major float32: src [batch, seq, in] (oneDNN "nwc", the layout of an
// embedding output, so no reorder), weights [kernel, in, filters] (oneDNN "wio", the Keras
// Conv1D kernel layout), bias [filters], dst [batch, out_seq, filters] with
// out_seq = seq + pad_left + pad_right - kernel + 1. Primitives are created once per shape and
// pass and reused from a process-wide cache; every function may run from several threads at once.
//
// Errors: std::invalid_argument for an invalid shape (kernels cannot use the core/ exception
// family), and dnnl::error when oneDNN rejects a primitive.

#include <cstddef>
#include <cstdint>

#include "kernels/activation.h"

namespace maas::kernels {

struct Conv1dShape {
  std::int64_t batch = 0;
  std::int64_t seq = 0;
  std::int64_t in = 0;
  std::int64_t filters = 0;
  std::int64_t kernel = 0;
  std::int64_t pad_left = 0;   // zero positions added before the sequence
  std::int64_t pad_right = 0;  // zero positions added after the sequence
  // Applied after the convolution by conv1d_forward as a fused oneDNN post-op: linear, relu,
  // tanh or sigmoid (softmax is rejected).
  Activation activation = Activation::kLinear;
};

enum class Conv1dPass { kForwardTraining, kForwardInference, kBackwardData, kBackwardWeights };

// Returns seq + pad_left + pad_right - kernel + 1, the output length.
std::int64_t conv1d_output_length(const Conv1dShape& shape);

// Computes dst = activation(conv(src, weights) + bias). `training` selects the forward-training
// primitive.
void conv1d_forward(const Conv1dShape& shape, const float* src, const float* weights,
                    const float* bias, float* dst, bool training);

// Computes diff_src [batch, seq, in] from diff_pre [batch, out_seq, filters], the gradient with
// respect to the convolution output before the activation.
void conv1d_backward_data(const Conv1dShape& shape, const float* diff_pre, const float* weights,
                          float* diff_src);

// Computes diff_weights [kernel, in, filters] and diff_bias [filters]; both are overwritten.
void conv1d_backward_weights(const Conv1dShape& shape, const float* src, const float* diff_pre,
                             float* diff_weights, float* diff_bias);

// Returns an opaque identity of the cached primitive for this shape and pass, creating it if
// needed. Two calls with the same arguments and thread count return the same value.
const void* conv1d_primitive_id(const Conv1dShape& shape, Conv1dPass pass);

std::size_t conv1d_primitive_cache_size();

}  // namespace maas::kernels
