#pragma once
// Activation functions applied row by row to row-major [rows, cols] float arrays.

#include <cstdint>

namespace maas::kernels {

enum class Activation { kLinear, kRelu, kTanh, kSigmoid, kSoftmax };

// Applies `activation` in place. Softmax normalises each row of `cols` values.
void activation_forward_inplace(Activation activation, float* values, std::int64_t rows,
                                std::int64_t cols);

// Computes the gradient with respect to the activation's input from its output `dst` and
// the gradient `diff_dst` with respect to that output. `diff_src` may alias `diff_dst`.
void activation_backward(Activation activation, const float* dst, const float* diff_dst,
                         float* diff_src, std::int64_t rows, std::int64_t cols);

// Returns the logistic function 1 / (1 + exp(-x)) without overflow for large |x|.
float stable_sigmoid(float x);

}  // namespace maas::kernels
