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

}  // namespace maas::kernels
