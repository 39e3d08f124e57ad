#pragma once
// LSTM and GRU layers over the sequence axis, optionally bidirectional:
// [batch, seq, in] -> [batch, D * units] (the final states) or, with return_sequences,
// [batch, seq, D * units] (the state at every position), where D is 2 when bidirectional.

#include "core/nn/layer.h"
#include "kernels/rnn.h"

namespace maas::nn {

using RecurrentCell = kernels::RnnCell;

// Parameters, one block per direction (forward direction first), gates in Keras order
// (LSTM i, f, c, o; GRU z, r, h):
// - "kernel" [D, in, G * units] and "recurrent_kernel" [D, units, G * units]: per direction the
//   Keras kernel layout. Both initialised Glorot-uniform.
//   NOTE: Keras initialises recurrent_kernel orthogonally; Glorot-uniform is used here.
// - "bias" [D, 4 * units]: LSTM i, f, c, o (the forget block starts at 1, Keras'
//   unit_forget_bias); GRU z, r, h and then the recurrent candidate bias of reset_after = true.
// Every position is read, padding included, because oneDNN RNNs take no per-row lengths. With
// the default pre-padding the forward direction reads the padding first, so its final state
// follows the text. The reverse direction reads the padding last.
// NOTE: a bidirectional final state therefore depends on the padding length; return_sequences
// followed by a masked global_max_pooling1d avoids that.
class Recurrent : public Layer {
 public:
  // Throws InvalidArgument unless in >= 1 and units >= 1.
  Recurrent(RecurrentCell cell, std::int64_t in, std::int64_t units, bool bidirectional, bool return_sequences);

  std::unique_ptr<Layer> clone() const override { return std::make_unique<Recurrent>(*this); }
  std::string_view type() const override { return cell_ == RecurrentCell::kLstm ? "lstm" : "gru"; }
  nlohmann::json to_json() const override;
  std::vector<ParameterSpec> parameter_specs() const override;
  void initialize(std::span<Parameter> params, Rng& rng) const override;

  // x is float32 [batch, seq, in].
  const Tensor& forward(std::span<Parameter> params, const Tensor& x, const Tensor& ids,
                        bool training, Rng& rng) override;
  const Tensor* backward(std::span<Parameter> params, const Tensor& dy) override;
  void infer(std::span<const Parameter> params, const Tensor& x, const Tensor& ids,
             Tensor& y) const override;

  std::int64_t units() const { return units_; }
  bool bidirectional() const { return bidirectional_; }
  bool return_sequences() const { return return_sequences_; }
  // Features of the output: units, or 2 * units when bidirectional.
  std::int64_t output_features() const { return directions() * units_; }

 private:
  std::int64_t directions() const { return bidirectional_ ? 2 : 1; }
  kernels::RnnShape shape_of(const Tensor& x) const;

  RecurrentCell cell_;
  std::int64_t in_;
  std::int64_t units_;
  bool bidirectional_;
  bool return_sequences_;
  // Training-path state, sized on the first call of a shape and reused.
  Tensor input_;
  Tensor zero_state_;  // [D, batch, units], all zero
  Tensor dst_layer_;
  Tensor dst_iter_;
  Tensor dst_iter_c_;
  Tensor workspace_;  // opaque bytes, held as float32
  Tensor output_;     // [batch, D * units] without return_sequences
  Tensor diff_dst_layer_;
  Tensor diff_dst_iter_;
  Tensor diff_dst_iter_c_;
  Tensor diff_src_iter_;
  Tensor diff_src_iter_c_;
  Tensor weights_layer_t_;
  Tensor weights_iter_t_;
  Tensor input_grad_;
  bool forward_done_ = false;
};

}  // namespace maas::nn
