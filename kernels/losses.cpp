#include "kernels/losses.h"

#include <algorithm>
#include <cmath>

#include "kernels/activation.h"

namespace maas::kernels {
namespace {

// max(x, 0) - x y + log1p(exp(-|x|)): -y log p - (1 - y) log(1 - p) for p = sigmoid(x), with no
// exp of a positive number, so it stays finite for any x.
double binary_cross_entropy_on_logit(double x, double y) {
  return std::max(x, 0.0) - x * y + std::log1p(std::exp(-std::abs(x)));
}

double smoothed_binary_target(double y, double smoothing) {
  return smoothing == 0.0 ? y : y * (1.0 - smoothing) + 0.5 * smoothing;
}

// Returns the weighted mean over batch * outputs of a loss computed element by element, and writes
// the gradient of that mean to diff. `element(o, &gradient)` returns element o's loss and sets its
// unweighted gradient.
template <typename Element>
double mean_elementwise_loss(const float* weights, std::int64_t batch, std::int64_t outputs, float* diff,
                             Element element) {
  const double scale = 1.0 / static_cast<double>(batch * outputs);
  double total = 0.0;
  for (std::int64_t b = 0; b < batch; ++b) {
    const double weight = weights == nullptr ? 1.0 : weights[b];
    double row = 0.0;
    for (std::int64_t o = b * outputs; o < (b + 1) * outputs; ++o) {
      double gradient = 0.0;
      row += element(o, &gradient);
      diff[o] = static_cast<float>(weight * gradient * scale);
    }
    total += weight * row;
  }
  return total * scale;
}

}  // namespace

// The losses run on one thread: batch * classes is small next to the dense layers,
// and a fixed summation order keeps the loss reproducible.

double softmax_cross_entropy(const float* logits, const std::int32_t* labels,
                             const float* weights, std::int64_t batch, std::int64_t classes,
                             float* diff_logits, float label_smoothing) {
  const double smoothing = label_smoothing;
  const double off_target = smoothing / static_cast<double>(classes);
  const double on_target = 1.0 - smoothing + off_target;
  const double inverse_batch = 1.0 / static_cast<double>(batch);
  double total = 0.0;
  for (std::int64_t b = 0; b < batch; ++b) {
    const float* x = logits + b * classes;
    float* dx = diff_logits + b * classes;
    const double weight = weights == nullptr ? 1.0 : weights[b];

    float max_value = x[0];
    for (std::int64_t c = 1; c < classes; ++c) {
      max_value = std::max(max_value, x[c]);
    }
    double sum = 0.0;
    for (std::int64_t c = 0; c < classes; ++c) {
      const double e = std::exp(static_cast<double>(x[c] - max_value));
      dx[c] = static_cast<float>(e);
      sum += e;
    }
    const double log_sum = std::log(sum) + max_value;
    const double scale = weight * inverse_batch / sum;
    if (smoothing == 0.0) {
      total += weight * (log_sum - x[labels[b]]);
      for (std::int64_t c = 0; c < classes; ++c) {
        dx[c] = static_cast<float>(dx[c] * scale);
      }
      dx[labels[b]] -= static_cast<float>(weight * inverse_batch);
      continue;
    }
    // sum_c t_c = 1, so sum_c t_c (log_sum - x_c) = log_sum - sum_c t_c x_c.
    double target_dot_logits = 0.0;
    for (std::int64_t c = 0; c < classes; ++c) {
      const double target = c == labels[b] ? on_target : off_target;
      target_dot_logits += target * x[c];
      dx[c] = static_cast<float>(dx[c] * scale - weight * inverse_batch * target);
    }
    total += weight * (log_sum - target_dot_logits);
  }
  return total * inverse_batch;
}

double sigmoid_binary_cross_entropy(const float* logits, const std::int32_t* labels,
                                    const float* weights, std::int64_t batch,
                                    float* diff_logits, float label_smoothing) {
  const double smoothing = label_smoothing;
  const double inverse_batch = 1.0 / static_cast<double>(batch);
  double total = 0.0;
  for (std::int64_t b = 0; b < batch; ++b) {
    const double x = logits[b];
    const double y = smoothed_binary_target(labels[b], smoothing);
    const double weight = weights == nullptr ? 1.0 : weights[b];
    total += weight * binary_cross_entropy_on_logit(x, y);
    diff_logits[b] = static_cast<float>(weight * (stable_sigmoid(logits[b]) - y) * inverse_batch);
  }
  return total * inverse_batch;
}

double sigmoid_cross_entropy_per_output(const float* logits, const float* targets, const float* weights,
                                        std::int64_t batch, std::int64_t outputs, float* diff_logits,
                                        float label_smoothing) {
  const double smoothing = label_smoothing;
  return mean_elementwise_loss(weights, batch, outputs, diff_logits, [&](std::int64_t o, double* gradient) {
    const double y = smoothed_binary_target(targets[o], smoothing);
    *gradient = stable_sigmoid(logits[o]) - y;
    return binary_cross_entropy_on_logit(logits[o], y);
  });
}

double mean_squared_error(const float* predictions, const float* targets, const float* weights,
                          std::int64_t batch, std::int64_t outputs, float* diff_predictions) {
  return mean_elementwise_loss(weights, batch, outputs, diff_predictions, [&](std::int64_t o, double* gradient) {
    const double error = static_cast<double>(predictions[o]) - targets[o];
    *gradient = 2.0 * error;
    return error * error;
  });
}

}  // namespace maas::kernels
