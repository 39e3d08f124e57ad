#pragma once
// Embedding: maps int32 token ids [batch, seq] to vectors [batch, seq, output_dim].

#include "core/nn/layer.h"

namespace maas::nn {

// Parameter "embeddings" [input_dim, output_dim], initialised uniform(-0.05, 0.05) as
// in Keras. Its gradient is row-sparse (see Parameter::sparse_rows): backward writes only
// the rows of the ids in the batch, and zeroes the rows the previous backward wrote.
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

  // The lookup fused with a global_average_pooling1d right after it, which Sequential runs in
  // place of the two layers: the pooled [batch, output_dim] without the [batch, seq,
  // output_dim] lookup between them. skip_padding() selects the masked mean. The values equal
  // those of forward then GlobalAveragePooling1D::forward, and the table gradient those of
  // both backward passes.
  const Tensor& forward_mean(std::span<Parameter> params, const Tensor& ids);
  // Writes the table's row-sparse gradient from the gradient of the pooled output.
  void backward_mean(std::span<Parameter> params, const Tensor& dy);
  void infer_mean(std::span<const Parameter> params, const Tensor& ids, Tensor& y) const;

  // With skip_padding, positions whose id is 0 are neither gathered (their output rows
  // are unspecified) nor given a gradient. Only valid when the next layer ignores padding,
  // such as a masked GlobalAveragePooling1D; Sequential sets it in that case.
  void set_skip_padding(bool skip) { skip_padding_ = skip; }
  bool skip_padding() const { return skip_padding_; }

  std::int64_t input_dim() const { return input_dim_; }
  std::int64_t output_dim() const { return output_dim_; }

 private:
  void check_ids(const Tensor& ids) const;
  // Readies row_marks_ and the table's grad_rows for a batch of `count` ids and returns the
  // number of rows the previous backward wrote.
  std::int64_t prepare_sparse_grad(Parameter& table, std::int64_t count);

  std::int64_t input_dim_;
  std::int64_t output_dim_;
  bool skip_padding_ = false;
  std::vector<std::uint8_t> row_marks_;  // [input_dim], all zero between calls
  Tensor ids_;  // Copy of the last forward input, for backward.
  Tensor output_;
  Tensor inverse_counts_;  // [batch] of the last forward_mean: the weight of each counted position.
  bool pooled_ = false;    // whether the last forward was forward_mean
  std::vector<float> scaled_gradient_;  // [output_dim] scratch of backward_mean
  bool forward_done_ = false;
};

}  // namespace maas::nn
