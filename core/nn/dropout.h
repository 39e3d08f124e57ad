#pragma once
// Dropout: inverted dropout while training, the identity in inference.

#include "core/nn/layer.h"

namespace maas::nn {

// In training each element is kept with probability 1 - rate and scaled by
// 1 / (1 - rate), so inference needs no rescaling. The mask comes from the Rng passed
// to forward, which makes it reproducible for a seed.
class Dropout : public Layer {
 public:
  // Throws InvalidArgument unless 0 <= rate < 1.
  explicit Dropout(double rate);

  std::unique_ptr<Layer> clone() const override { return std::make_unique<Dropout>(*this); }
  std::string_view type() const override { return "dropout"; }
  nlohmann::json to_json() const override;

  // x is float32 of any shape with at least one element.
  const Tensor& forward(std::span<Parameter> params, const Tensor& x, const Tensor& ids,
                        bool training, Rng& rng) override;
  const Tensor* backward(std::span<Parameter> params, const Tensor& dy) override;
  void infer(std::span<const Parameter> params, const Tensor& x, const Tensor& ids,
             Tensor& y) const override;

  double rate() const { return rate_; }
  // The mask of the last training forward pass: 0 or 1 / (1 - rate) per element.
  const Tensor& mask() const { return mask_; }

 private:
  void check_float_input(const Tensor& x, std::string_view role) const;

  double rate_;  // Kept as given so that to_json() writes back the same number.
  bool mask_applied_ = false;
  Tensor mask_;
  Tensor output_;
  Tensor input_grad_;
  bool forward_done_ = false;
};

}  // namespace maas::nn
