#pragma once
// Losses on logits, fused with the output activation for numerical stability.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/common/task.h"
#include "core/tensor/tensor.h"

namespace maas::nn {

// A loss computes the mean loss of a batch from logits and its targets and keeps dL/dlogits
// for backward(). Classification losses take class indices (`labels` points to batch values),
// the multi-label and regression losses a float32 target matrix with the shape of the logits.
// `example_weights` is null or points to batch non-negative weights, and the loss is
// sum_i w_i loss_i / batch.
class Loss {
 public:
  virtual ~Loss();

  // Returns the batch loss for class-index targets. Throws InvalidArgument on a logits shape the
  // loss does not accept, a label out of range or a negative or non-finite weight, and
  // Unsupported from a loss that takes a target matrix.
  virtual float forward(const Tensor& logits, const std::int32_t* labels, const float* example_weights);

  // Returns the batch loss for float32 `targets` shaped like `logits`. Throws InvalidArgument on
  // mismatched shapes, a target the loss does not accept or a negative or non-finite weight, and
  // Unsupported from a loss that takes class indices.
  virtual float forward(const Tensor& logits, const Tensor& targets, const float* example_weights);

  // Returns dL/dlogits of the last forward call, with the shape of its logits.
  virtual const Tensor& backward() = 0;

  // Returns a string literal, so the checks of every step build no string.
  virtual std::string_view name() const = 0;
};

// Softmax cross-entropy for logits [batch, classes >= 2] and labels in [0, classes).
// label_smoothing e mixes the one-hot target with the uniform one: (1 - e) onehot + e / classes.
class SoftmaxCrossEntropy : public Loss {
 public:
  // Throws InvalidArgument unless 0 <= label_smoothing < 1.
  explicit SoftmaxCrossEntropy(float label_smoothing = 0.0f);
  using Loss::forward;
  float forward(const Tensor& logits, const std::int32_t* labels, const float* example_weights) override;
  const Tensor& backward() override;
  std::string_view name() const override { return "softmax_cross_entropy"; }

 private:
  float label_smoothing_;
  Tensor dlogits_;
  bool forward_done_ = false;
};

// Binary cross-entropy on sigmoid logits [batch, 1] with labels 0 or 1. label_smoothing e
// moves the targets to y (1 - e) + e / 2.
class SigmoidBinaryCrossEntropy : public Loss {
 public:
  // Throws InvalidArgument unless 0 <= label_smoothing < 1.
  explicit SigmoidBinaryCrossEntropy(float label_smoothing = 0.0f);
  using Loss::forward;
  float forward(const Tensor& logits, const std::int32_t* labels, const float* example_weights) override;
  const Tensor& backward() override;
  std::string_view name() const override { return "sigmoid_binary_cross_entropy"; }

 private:
  float label_smoothing_;
  Tensor dlogits_;
  bool forward_done_ = false;
};

// Multi-label binary cross-entropy on sigmoid logits [batch, outputs >= 1] with targets in
// [0, 1] of the same shape: the mean over outputs of each output's binary cross-entropy
// (kernels::sigmoid_cross_entropy_per_output). label_smoothing e moves targets to y (1 - e) + e / 2.
class SigmoidCrossEntropyPerOutput : public Loss {
 public:
  // Throws InvalidArgument unless 0 <= label_smoothing < 1.
  explicit SigmoidCrossEntropyPerOutput(float label_smoothing = 0.0f);
  using Loss::forward;
  float forward(const Tensor& logits, const Tensor& targets, const float* example_weights) override;
  const Tensor& backward() override;
  std::string_view name() const override { return "sigmoid_cross_entropy_per_output"; }

 private:
  float label_smoothing_;
  Tensor dlogits_;
  bool forward_done_ = false;
};

// Mean squared error of linear outputs [batch, outputs >= 1] against finite targets of the same
// shape, averaged over outputs and then over the batch.
class MeanSquaredError : public Loss {
 public:
  using Loss::forward;
  float forward(const Tensor& predictions, const Tensor& targets, const float* example_weights) override;
  const Tensor& backward() override;
  std::string_view name() const override { return "mean_squared_error"; }

 private:
  Tensor dpredictions_;
  bool forward_done_ = false;
};

// Returns the loss for `task` and the model's output activation. Classification takes softmax
// cross-entropy for "softmax" and binary cross-entropy for "sigmoid". Multi_label takes
// SigmoidCrossEntropyPerOutput for "sigmoid", and regression MeanSquaredError for "linear".
// Throws Unsupported for any other pair, and InvalidArgument for label smoothing with regression
// or outside [0, 1).
std::unique_ptr<Loss> make_loss(std::string_view output_activation, float label_smoothing = 0.0f,
                                Task task = Task::kClassification);

}  // namespace maas::nn
