#pragma once
// Element-wise optimizer updates with the Keras update rules.

#include <cstdint>

namespace maas::kernels {

// Stochastic gradient descent. With momentum == 0: w -= lr * g, and velocity is unused
// (it may be null). With momentum m: v = m * v - lr * g, then w += v, or with
// nesterov w += m * v - lr * g using the updated v.
void sgd_update(float* weights, const float* grads, float* velocity, std::int64_t count,
                float learning_rate, float momentum, bool nesterov);

// One Adam step with the bias correction folded into the step size:
// m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2, w -= corrected_rate * m / (sqrt(v) + eps),
// where the caller computes corrected_rate = lr * sqrt(1 - b2^t) / (1 - b1^t).
void adam_update(float* weights, const float* grads, float* first_moment, float* second_moment,
                 std::int64_t count, float corrected_rate, float beta_1, float beta_2,
                 float epsilon);

// Sparse forms for a row-major [rows, dim] table whose gradient is non-zero only in the
// `row_count` rows listed in `rows`. Only those rows of weights, grads and state are read or
// written, so the state of other rows is not decayed (TensorFlow's LazyAdam rule).
void sgd_update_rows(float* weights, const float* grads, float* velocity,
                     const std::int32_t* rows, std::int64_t row_count, std::int64_t dim,
                     float learning_rate, float momentum, bool nesterov);
void adam_update_rows(float* weights, const float* grads, float* first_moment,
                      float* second_moment, const std::int32_t* rows, std::int64_t row_count,
                      std::int64_t dim, float corrected_rate, float beta_1, float beta_2,
                      float epsilon);

// Decoupled weight decay (AdamW, Loshchilov and Hutter 2019, as in Keras 3):
// w -= w * factor, where the caller passes factor = learning_rate * weight_decay.
void decay_weights(float* weights, std::int64_t count, float factor);
void decay_weight_rows(float* weights, const std::int32_t* rows, std::int64_t row_count,
                       std::int64_t dim, float factor);

// Returns the sum of squares of `count` values, accumulated in double in index order.
double sum_of_squares(const float* values, std::int64_t count);
// The same over the listed rows of a row-major [rows, dim] table, in list order.
double sum_of_squares_rows(const float* values, const std::int32_t* rows,
                           std::int64_t row_count, std::int64_t dim);

// Multiplies `count` values by `factor` in place.
void scale_values(float* values, std::int64_t count, float factor);
void scale_value_rows(float* values, const std::int32_t* rows, std::int64_t row_count,
                      std::int64_t dim, float factor);

}  // namespace maas::kernels
