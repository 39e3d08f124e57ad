#pragma once
// LayerNormalization: normalises each position's features to zero mean and unit variance,
// then scales and shifts them. [batch, features] or [batch, seq, features], shape unchanged.

#include "core/nn/layer.h"

namespace maas::nn {

// Parameters "gamma" [features] (initialised to ones) and "beta" [features] (zeros), the Keras
// names and initialisers. epsilon defaults to Keras' 0.001.
class LayerNormalization : public Layer {
 public:
  // Throws InvalidArgument unless features >= 1 and epsilon > 0.
  LayerNormalization(std::int64_t features, double epsilon = 1e-3);

  std::unique_ptr<Layer> clone() const override { return std::make_unique<LayerNormalization>(*this); }
  std::string_view type() const override { return "layer_normalization"; }
  nlohmann::json to_json() const override;
  std::vector<ParameterSpec> parameter_specs() const override;
  void initialize(std::span<Parameter> params, Rng& rng) const override;

  // x is float32 of rank 2 or 3 whose last axis has `features` elements.
  const Tensor& forward(std::span<Parameter> params, const Tensor& x, const Tensor& ids,
                        bool training, Rng& rng) override;
  const Tensor* backward(std::span<Parameter> params, const Tensor& dy) override;
  void infer(std::span<const Parameter> params, const Tensor& x, const Tensor& ids,
             Tensor& y) const override;

  std::int64_t features() const { return features_; }
  double epsilon() const { return epsilon_; }

 private:
  void check_features(const Tensor& x, std::string_view role) const;

  std::int64_t features_;
  double epsilon_;  // Kept as given so that to_json() writes back the same number.
  Tensor input_;
  Tensor mean_;
  Tensor rstd_;
  Tensor output_;
  Tensor input_grad_;
  bool forward_done_ = false;
};

}  // namespace maas::nn
