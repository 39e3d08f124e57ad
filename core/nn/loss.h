#pragma once
// Losses on logits, fused with the output activation for numerical stability.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/tensor/tensor.h"

namespace maas::nn {

// A loss computes the mean loss of a batch from logits and integer labels and keeps
// dL/dlogits for backward(). `labels` points to batch values. `example_weights` is null
// or points to batch non-negative weights, and the loss is sum_i w_i loss_i / batch.
class Loss {
 public:
  virtual ~Loss();

  // Returns the batch loss. Throws InvalidArgument on a logits shape the loss does not
  // accept, a label out of range or a negative or non-finite weight.
  virtual float forward(const Tensor& logits, const std::int32_t* labels,
                        const float* example_weights) = 0;

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
  float forward(const Tensor& logits, const std::int32_t* labels, const float* example_weights) override;
  const Tensor& backward() override;
  std::string_view name() const override { return "sigmoid_binary_cross_entropy"; }

 private:
  float label_smoothing_;
  Tensor dlogits_;
  bool forward_done_ = false;
};

// Returns the loss that matches a model's output activation: softmax cross-entropy for
// "softmax", binary cross-entropy for "sigmoid". Throws Unsupported for anything else.
std::unique_ptr<Loss> make_loss(std::string_view output_activation, float label_smoothing = 0.0f);

}  // namespace maas::nn
