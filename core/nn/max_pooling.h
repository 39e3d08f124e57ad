#pragma once
// GlobalMaxPooling1D: the maximum over the sequence axis, [batch, seq, dim] -> [batch, dim].

#include "core/nn/layer.h"

namespace maas::nn {

// With mask = true, positions whose input id is 0 (padding) are left out, and a row of
// padding only gives zeros; the input must then have as many positions as the ids (Sequential
// rejects a mask after a layer that changes the length, such as conv1d with padding valid).
// With mask = false every position counts, as in Keras.
class GlobalMaxPooling1D : public Layer {
 public:
  explicit GlobalMaxPooling1D(bool mask = true);

  std::unique_ptr<Layer> clone() const override { return std::make_unique<GlobalMaxPooling1D>(*this); }
  std::string_view type() const override { return "global_max_pooling1d"; }
  nlohmann::json to_json() const override;

  // x is float32 [batch, seq, dim] and, with the mask, ids int32 [batch, seq].
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
  Tensor argmax_;  // int32 [batch, dim]: the winning position, or -1.
  Tensor output_;
  Tensor input_grad_;
  bool forward_done_ = false;
};

}  // namespace maas::nn
