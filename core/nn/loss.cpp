#include "core/nn/loss.h"

#include <cmath>
#include <limits>

#include "core/common/error.h"
#include "kernels/losses.h"

namespace maas::nn {
namespace {

void check_logits(const Tensor& logits, std::int64_t min_classes, std::int64_t max_classes, std::string_view loss,
                  std::string_view expected) {
  const bool valid = logits.dtype() == DType::kFloat32 && logits.rank() == 2 && logits.dim(0) >= 1 &&
                     logits.dim(1) >= min_classes && logits.dim(1) <= max_classes;
  if (!valid) {
    throw InvalidArgument(std::string(loss) + ": invalid logits of type " + std::string(dtype_name(logits.dtype())) +
                          " and shape " + logits.shape_string() + ": expected float32 " + std::string(expected));
  }
}

void check_labels(const std::int32_t* labels, std::int64_t batch, std::int32_t classes, std::string_view loss) {
  if (labels == nullptr) {
    throw InvalidArgument(std::string(loss) + ": labels pointer is null; pass one label per batch row");
  }
  for (std::int64_t i = 0; i < batch; ++i) {
    if (labels[i] < 0 || labels[i] >= classes) {
      throw InvalidArgument(std::string(loss) + ": invalid label " + std::to_string(labels[i]) + " at batch row " +
                            std::to_string(i) + ": expected a class index in [0, " + std::to_string(classes) +
                            ")");
    }
  }
}

void check_weights(const float* weights, std::int64_t batch, std::string_view loss) {
  if (weights == nullptr) {
    return;
  }
  for (std::int64_t i = 0; i < batch; ++i) {
    if (!(std::isfinite(weights[i]) && weights[i] >= 0.0f)) {
      throw InvalidArgument(std::string(loss) + ": invalid example weight " + std::to_string(weights[i]) +
                            " at batch row " + std::to_string(i) + ": expected a finite weight >= 0");
    }
  }
}

void check_backward(bool forward_done, std::string_view loss) {
  if (!forward_done) {
    throw InvalidArgument(std::string(loss) +
                          ": backward was called before forward; compute the loss of the batch first");
  }
}

void check_label_smoothing(float label_smoothing, std::string_view loss) {
  if (!(label_smoothing >= 0.0f && label_smoothing < 1.0f)) {
    throw InvalidArgument(std::string(loss) + ": invalid label_smoothing " + std::to_string(label_smoothing) +
                          ": expected a value in [0, 1)");
  }
}

void check_targets(const Tensor& logits, const Tensor& targets, std::string_view loss) {
  if (targets.dtype() != DType::kFloat32 || targets.shape() != logits.shape()) {
    throw InvalidArgument(std::string(loss) + ": invalid targets of type " + std::string(dtype_name(targets.dtype())) +
                          " and shape " + targets.shape_string() + ": expected float32 " + logits.shape_string() +
                          ", the shape of the logits");
  }
}

// Checks every target against `accepts`, naming the first one outside it by row and column.
template <typename Accepts>
void check_target_values(const Tensor& targets, std::string_view loss, std::string_view expected,
                         Accepts accepts) {
  const float* values = targets.data<float>();
  const std::int64_t columns = targets.dim(1);
  for (std::int64_t i = 0; i < targets.numel(); ++i) {
    if (!accepts(values[i])) {
      throw InvalidArgument(std::string(loss) + ": invalid target " + std::to_string(values[i]) + " at batch row " +
                            std::to_string(i / columns) + ", output " + std::to_string(i % columns) +
                            ": expected " + std::string(expected));
    }
  }
}

}  // namespace

Loss::~Loss() = default;

float Loss::forward(const Tensor&, const std::int32_t*, const float*) {
  throw Unsupported(std::string(name()) + " takes a float32 target matrix, not class indices");
}

float Loss::forward(const Tensor&, const Tensor&, const float*) {
  throw Unsupported(std::string(name()) + " takes class indices, not a float32 target matrix");
}

SoftmaxCrossEntropy::SoftmaxCrossEntropy(float label_smoothing) : label_smoothing_(label_smoothing) {
  check_label_smoothing(label_smoothing, name());
}

SigmoidBinaryCrossEntropy::SigmoidBinaryCrossEntropy(float label_smoothing) : label_smoothing_(label_smoothing) {
  check_label_smoothing(label_smoothing, name());
}

float SoftmaxCrossEntropy::forward(const Tensor& logits, const std::int32_t* labels, const float* example_weights) {
  check_logits(logits, 2, std::numeric_limits<std::int32_t>::max(), name(), "[batch, classes >= 2]");
  const std::int64_t batch = logits.dim(0);
  const std::int64_t classes = logits.dim(1);
  check_labels(labels, batch, static_cast<std::int32_t>(classes), name());
  check_weights(example_weights, batch, name());
  dlogits_.resize(logits.shape());
  const double loss = kernels::softmax_cross_entropy(logits.data<float>(), labels, example_weights, batch, classes,
                                                     dlogits_.data<float>(), label_smoothing_);
  forward_done_ = true;
  return static_cast<float>(loss);
}

const Tensor& SoftmaxCrossEntropy::backward() {
  check_backward(forward_done_, name());
  return dlogits_;
}

float SigmoidBinaryCrossEntropy::forward(const Tensor& logits, const std::int32_t* labels,
                                         const float* example_weights) {
  check_logits(logits, 1, 1, name(), "[batch, 1]");
  const std::int64_t batch = logits.dim(0);
  check_labels(labels, batch, 2, name());
  check_weights(example_weights, batch, name());
  dlogits_.resize(logits.shape());
  const double loss = kernels::sigmoid_binary_cross_entropy(logits.data<float>(), labels, example_weights, batch,
                                                            dlogits_.data<float>(), label_smoothing_);
  forward_done_ = true;
  return static_cast<float>(loss);
}

const Tensor& SigmoidBinaryCrossEntropy::backward() {
  check_backward(forward_done_, name());
  return dlogits_;
}

SigmoidCrossEntropyPerOutput::SigmoidCrossEntropyPerOutput(float label_smoothing)
    : label_smoothing_(label_smoothing) {
  check_label_smoothing(label_smoothing, name());
}

float SigmoidCrossEntropyPerOutput::forward(const Tensor& logits, const Tensor& targets, const float* example_weights) {
  check_logits(logits, 1, std::numeric_limits<std::int32_t>::max(), name(), "[batch, outputs >= 1]");
  check_targets(logits, targets, name());
  check_target_values(targets, name(), "a value in [0, 1]", [](float y) { return y >= 0.0f && y <= 1.0f; });
  check_weights(example_weights, logits.dim(0), name());
  dlogits_.resize(logits.shape());
  const double loss = kernels::sigmoid_cross_entropy_per_output(
      logits.data<float>(), targets.data<float>(), example_weights, logits.dim(0), logits.dim(1),
      dlogits_.data<float>(), label_smoothing_);
  forward_done_ = true;
  return static_cast<float>(loss);
}

const Tensor& SigmoidCrossEntropyPerOutput::backward() {
  check_backward(forward_done_, name());
  return dlogits_;
}

float MeanSquaredError::forward(const Tensor& predictions, const Tensor& targets, const float* example_weights) {
  check_logits(predictions, 1, std::numeric_limits<std::int32_t>::max(), name(), "[batch, outputs >= 1]");
  check_targets(predictions, targets, name());
  check_target_values(targets, name(), "a finite number", [](float y) { return std::isfinite(y); });
  check_weights(example_weights, predictions.dim(0), name());
  dpredictions_.resize(predictions.shape());
  const double loss = kernels::mean_squared_error(predictions.data<float>(), targets.data<float>(), example_weights,
                                                  predictions.dim(0), predictions.dim(1), dpredictions_.data<float>());
  forward_done_ = true;
  return static_cast<float>(loss);
}

const Tensor& MeanSquaredError::backward() {
  check_backward(forward_done_, name());
  return dpredictions_;
}

std::unique_ptr<Loss> make_loss(std::string_view output_activation, float label_smoothing, Task task) {
  if (task == Task::kMultiLabel) {
    if (output_activation == "sigmoid") return std::make_unique<SigmoidCrossEntropyPerOutput>(label_smoothing);
    throw Unsupported("no multi_label loss for output activation \"" + std::string(output_activation) +
                      "\": expected \"sigmoid\", one independent unit per label");
  }
  if (task == Task::kRegression) {
    if (label_smoothing != 0.0f) {
      throw InvalidArgument("label_smoothing " + std::to_string(label_smoothing) +
                            " does not apply to regression; set it to 0");
    }
    if (output_activation == "linear") return std::make_unique<MeanSquaredError>();
    throw Unsupported("no regression loss for output activation \"" + std::string(output_activation) +
                      "\": expected \"linear\"");
  }
  if (output_activation == "softmax") {
    return std::make_unique<SoftmaxCrossEntropy>(label_smoothing);
  }
  if (output_activation == "sigmoid") {
    return std::make_unique<SigmoidBinaryCrossEntropy>(label_smoothing);
  }
  throw Unsupported("no loss for output activation \"" + std::string(output_activation) +
                    "\": expected \"softmax\" or \"sigmoid\"; set the last dense layer's activation to one of them");
}

}  // namespace maas::nn
