#pragma once
// GlobalAveragePooling1D: the mean over the sequence axis, [batch, seq, dim] -> [batch, dim].

#include "core/nn/layer.h"

namespace maas::nn {

// With mask = true, positions whose input id is 0 (padding) are left out of the mean,
// and a row of padding only gives zeros. With mask = false every position counts, as
// in Keras without a mask.
class GlobalAveragePooling1D : public Layer {
 public:
  explicit GlobalAveragePooling1D(bool mask = true);

  std::unique_ptr<Layer> clone() const override {
    return std::make_unique<GlobalAveragePooling1D>(*this);
  }
  std::string_view type() const override { return "global_average_pooling1d"; }
  nlohmann::json to_json() const override;

  // x is float32 [batch, seq, dim] and ids int32 [batch, seq].
  const Tensor& forward(std::span<Parameter> params, const Tensor& x, const Tensor& ids,
                        bool training, Rng& rng) override;
  const Tensor* backward(std::span<Parameter> params, const Tensor& dy) override;
  void infer(std::span<const Parameter> params, const Tensor& x, const Tensor& ids,
             Tensor& y) const override;

  bool mask() const { return mask_; }

 private:
  void check_inputs(const Tensor& x, const Tensor& ids) const;

  bool mask_;
  std::vector<std::int64_t> input_shape_;
  Tensor ids_;             // Copy of the last forward ids when masking.
  Tensor inverse_counts_;  // [batch]: the weight of each counted position.
  Tensor output_;
  Tensor input_grad_;
  bool forward_done_ = false;
};

}  // namespace maas::nn
