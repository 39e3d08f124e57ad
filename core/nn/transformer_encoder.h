#pragma once
// TransformerEncoder: one post-norm Transformer encoder block over [batch, seq, features],
// shape unchanged:
//   h = LayerNorm(x + MultiHeadSelfAttention(x)),  y = LayerNorm(h + W2 relu(W1 h + b1) + b2).

#include "core/nn/layer.h"

namespace maas::nn {

// Attention uses num_heads heads of features / num_heads dimensions each, scaled dot products
// and, with mask = true, a key padding mask: positions whose id is 0 receive no attention, and a
// row of padding only attends to nothing (its attention output is the output bias alone). With
// mask = true the input must have as many positions as the ids. No positional encoding is added,
// so without a conv1d or RNN before it the block treats a message as an unordered set of tokens.
//
// Parameters (dense kernels in the Dense layout [out, in], biases zero-initialised, kernels
// Glorot-uniform, layer-norm gamma ones and beta zeros): "query_kernel", "query_bias",
// "key_kernel", "key_bias", "value_kernel", "value_bias", "output_kernel", "output_bias"
// [features, features] and [features]; "attention_norm_gamma", "attention_norm_beta";
// "ff1_kernel" [ff_dim, features], "ff1_bias" [ff_dim]; "ff2_kernel" [features, ff_dim],
// "ff2_bias" [features]; "output_norm_gamma", "output_norm_beta".
class TransformerEncoder : public Layer {
 public:
  // Throws InvalidArgument unless features, num_heads and ff_dim are >= 1, num_heads divides
  // features and epsilon > 0.
  TransformerEncoder(std::int64_t features, std::int64_t num_heads, std::int64_t ff_dim, bool mask,
                     double epsilon = 1e-3);

  std::unique_ptr<Layer> clone() const override { return std::make_unique<TransformerEncoder>(*this); }
  std::string_view type() const override { return "transformer_encoder"; }
  nlohmann::json to_json() const override;
  std::vector<ParameterSpec> parameter_specs() const override;
  void initialize(std::span<Parameter> params, Rng& rng) const override;

  // x is float32 [batch, seq, features]; with the mask, ids int32 [batch, seq].
  const Tensor& forward(std::span<Parameter> params, const Tensor& x, const Tensor& ids,
                        bool training, Rng& rng) override;
  const Tensor* backward(std::span<Parameter> params, const Tensor& dy) override;
  void infer(std::span<const Parameter> params, const Tensor& x, const Tensor& ids,
             Tensor& y) const override;

  std::int64_t features() const { return features_; }
  std::int64_t num_heads() const { return num_heads_; }
  std::int64_t ff_dim() const { return ff_dim_; }
  bool mask() const { return mask_; }
  double epsilon() const { return epsilon_; }

  // The forward intermediates, kept by the training path for backward.
  struct Activations {
    Tensor ids;          // copy of the mask ids
    Tensor q, k, v;      // [batch * seq, features]
    Tensor probs;        // [batch, heads, seq, seq]
    Tensor context;      // [batch * seq, features], heads concatenated
    Tensor residual1;    // x + attention output
    Tensor mean1, rstd1; // [batch * seq]
    Tensor h;            // first layer-norm output
    Tensor hidden;       // relu(W1 h + b1) [batch * seq, ff_dim]
    Tensor residual2;    // h + feed-forward output
    Tensor mean2, rstd2;
    Tensor y;
  };

 private:
  void check_inputs(const Tensor& x, const Tensor& ids) const;
  void run_forward(std::span<const Parameter> params, const Tensor& x, const Tensor& ids, bool training,
                   Activations& a) const;

  std::int64_t features_;
  std::int64_t num_heads_;
  std::int64_t ff_dim_;
  bool mask_;
  double epsilon_;
  std::vector<std::int64_t> input_shape_;
  Tensor input_;
  Activations saved_;
  // Backward scratch, reused between calls.
  Tensor d_residual2_, d_hidden_, d_h_, d_residual1_, d_context_, d_q_, d_k_, d_v_, d_scores_, scratch_;
  Tensor input_grad_;
  bool forward_done_ = false;
};

}  // namespace maas::nn
