#pragma once
// Dense (fully connected) layer: y = activation(x W^T + b).

#include "core/nn/activation.h"
#include "core/nn/layer.h"

namespace maas::nn {

// Parameters:
// - "kernel" [units, in]: row u contains the input weights of unit u. This is the transpose
//   of the Keras kernel [in, units] and the "oi" layout oneDNN uses without a reorder.
//   Initialised Glorot-uniform with limit sqrt(6 / (in + units)).
// - "bias" [units], initialised to zeros.
class Dense : public Layer {
 public:
  // Throws InvalidArgument unless in >= 1 and units >= 1.
  Dense(std::int64_t in, std::int64_t units, Activation activation);

  std::unique_ptr<Layer> clone() const override { return std::make_unique<Dense>(*this); }
  std::string_view type() const override { return "dense"; }
  nlohmann::json to_json() const override;
  std::vector<ParameterSpec> parameter_specs() const override;
  void initialize(std::span<Parameter> params, Rng& rng) const override;

  // x is float32 [batch, in] and the output is [batch, units].
  const Tensor& forward(std::span<Parameter> params, const Tensor& x, const Tensor& ids,
                        bool training, Rng& rng) override;
  const Tensor* backward(std::span<Parameter> params, const Tensor& dy) override;
  void infer(std::span<const Parameter> params, const Tensor& x, const Tensor& ids,
             Tensor& y) const override;

  // When deferred, forward and infer return the affine output (logits) and leave the
  // activation to the model's output step, so fused losses see logits. to_json still
  // reports the configured activation.
  void set_activation_deferred(bool deferred) { activation_deferred_ = deferred; }

  std::int64_t in() const { return in_; }
  std::int64_t units() const { return units_; }
  Activation activation() const { return activation_; }
  Activation applied_activation() const {
    return activation_deferred_ ? Activation::kLinear : activation_;
  }

 private:
  std::int64_t in_;
  std::int64_t units_;
  Activation activation_;
  bool activation_deferred_ = false;
  Tensor input_;  // Copy of the last forward input, for the weight gradient.
  Tensor output_;
  Tensor pre_activation_grad_;
  Tensor input_grad_;
  bool forward_done_ = false;
};

}  // namespace maas::nn
