#pragma once
// Embedding: maps int32 token ids [batch, seq] to vectors [batch, seq, output_dim].

#include "core/nn/layer.h"

namespace maas::nn {

// Parameter "embeddings" [input_dim, output_dim], initialised uniform(-0.05, 0.05) as
// in Keras. Its gradient is dense: backward zeroes and rewrites the whole table.
class Embedding : public Layer {
 public:
  // Throws InvalidArgument unless 1 <= input_dim <= INT32_MAX and output_dim >= 1.
  Embedding(std::int64_t input_dim, std::int64_t output_dim);

  std::unique_ptr<Layer> clone() const override { return std::make_unique<Embedding>(*this); }
  std::string_view type() const override { return "embedding"; }
  nlohmann::json to_json() const override;
  std::vector<ParameterSpec> parameter_specs() const override;
  void initialize(std::span<Parameter> params, Rng& rng) const override;

  // x must be the int32 ids [batch, seq]. Throws InvalidArgument naming the first id
  // outside [0, input_dim), its [row, column] position and input_dim.
  const Tensor& forward(std::span<Parameter> params, const Tensor& x, const Tensor& ids,
                        bool training, Rng& rng) override;
  const Tensor* backward(std::span<Parameter> params, const Tensor& dy) override;
  void infer(std::span<const Parameter> params, const Tensor& x, const Tensor& ids,
             Tensor& y) const override;

  std::int64_t input_dim() const { return input_dim_; }
  std::int64_t output_dim() const { return output_dim_; }

 private:
  void check_ids(const Tensor& ids) const;

  std::int64_t input_dim_;
  std::int64_t output_dim_;
  Tensor ids_;  // Copy of the last forward input, for backward.
  Tensor output_;
  bool forward_done_ = false;
};

}  // namespace maas::nn
