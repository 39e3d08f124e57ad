#pragma once
// Sequential: a stack of layers built from architecture JSON, for int32 ids in and
// class scores out.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/nn/embedding.h"
#include "core/nn/layer.h"
#include "core/nn/parameter.h"
#include "core/nn/random.h"
#include "core/tensor/tensor.h"

namespace maas::nn {

// The architecture JSON has the form
//   {"layers": [{"type": "embedding", "input_dim": 20000, "output_dim": 64},
//               {"type": "global_average_pooling1d", "mask": true},
//               {"type": "dense", "units": 64, "activation": "relu"},
//               {"type": "dropout", "rate": 0.5},
//               {"type": "dense", "units": 6, "activation": "softmax"}]}
// The first layer must be an embedding and the last a dense layer. Dense layers take a
// [batch, features] input, so a pooling layer (global_average_pooling1d or
// global_max_pooling1d) or an lstm or gru without return_sequences comes between the embedding
// and the first dense layer. Sequence layers (conv1d, lstm, gru, transformer_encoder) take and,
// except for a final-state lstm or gru, give [batch, seq, features]; layer_normalization and
// dropout accept either rank. A sigmoid or softmax on the last dense layer is the output activation:
// forward() returns the logits before it and probabilities_inplace() applies it.
//
// Thread safety: predict() and probabilities_inplace() are const and may run on many
// threads at once. forward(), backward(), initialize() and writes to parameters()
// need exclusive access. Copies are independent models.
class Sequential {
 public:
  // Builds the layers with zero-filled parameters. Call initialize() or load weights next.
  // Throws InvalidArgument naming the JSON path (such as "architecture.layers[2].units"),
  // the value received and what is expected.
  static Sequential from_json(const nlohmann::json& architecture);
  nlohmann::json to_json() const;

  Sequential(const Sequential& other);
  Sequential& operator=(const Sequential& other);
  Sequential(Sequential&&) noexcept = default;
  Sequential& operator=(Sequential&&) noexcept = default;
  ~Sequential();

  // Fills every parameter with its Keras initialiser. The same seed gives the same
  // values. Does not touch the dropout generator (see set_seed).
  void initialize(std::uint64_t seed);

  // Runs the training path on ids int32 [batch, seq] (seq may change between calls)
  // and returns the logits [batch, outputs()], valid until the next forward call.
  // With training = false dropout is the identity but activations are still stored.
  // Throws InvalidArgument on a wrong dtype or shape, or an id outside the vocabulary.
  const Tensor& forward(const Tensor& ids, bool training);

  // Takes dL/dlogits [batch, outputs()] for the last forward call and overwrites the
  // grad of every parameter.
  void backward(const Tensor& dlogits);

  // Returns the probabilities [batch, outputs()] for ids int32 [batch, seq] with dropout
  // off. Safe to call from many threads at once.
  Tensor predict(const Tensor& ids) const;

  // Applies the output activation (sigmoid or softmax; nothing for linear) in place to
  // logits [batch, outputs()].
  void probabilities_inplace(Tensor& logits) const;

  std::vector<Parameter>& parameters() { return params_; }
  const std::vector<Parameter>& parameters() const { return params_; }

  int outputs() const { return outputs_; }
  // "sigmoid", "softmax" or "linear". Other activations on the last dense layer are
  // applied inside forward(), so their output activation is "linear".
  std::string output_activation() const { return output_activation_; }

  // Reseeds the generator behind dropout masks. It starts from seed 0.
  void set_seed(std::uint64_t seed) { dropout_rng_.seed(seed); }
  // The dropout generator's full state as text, for checkpoints; see Rng::state().
  std::string dropout_rng_state() const { return dropout_rng_.state(); }
  // Restores a state from dropout_rng_state(). Throws InvalidArgument on malformed text.
  void set_dropout_rng_state(std::string_view state) { dropout_rng_.set_state(state); }

  // True when padding positions (id 0) cannot change the output, because a masked
  // global_average_pooling1d follows the embedding. Cutting columns that are padding in
  // every row of a batch then leaves the logits and gradients bit for bit unchanged.
  bool masks_padding() const { return masks_padding_; }

  std::size_t layer_count() const { return layers_.size(); }
  const Layer& layer(std::size_t index) const { return *layers_.at(index); }

 private:
  Sequential() = default;

  void add_layer(std::unique_ptr<Layer> layer);
  void check_ids(const Tensor& ids) const;
  void check_logits(const Tensor& logits, std::string_view role) const;
  std::span<Parameter> layer_parameters(std::size_t index);
  std::span<const Parameter> layer_parameters(std::size_t index) const;
  Embedding& embedding() { return static_cast<Embedding&>(*layers_.front()); }
  const Embedding& embedding() const { return static_cast<const Embedding&>(*layers_.front()); }

  std::vector<std::unique_ptr<Layer>> layers_;
  std::vector<std::size_t> first_parameter_;  // Per layer: index of its first parameter.
  std::vector<Parameter> params_;
  int outputs_ = 0;
  bool masks_padding_ = false;
  // A global_average_pooling1d right after the embedding runs fused with it (see
  // Embedding::forward_mean), so the [batch, seq, dim] lookup is never written.
  bool fused_mean_pooling_ = false;
  std::string output_activation_ = "linear";
  Rng dropout_rng_;
  bool forward_done_ = false;
};

}  // namespace maas::nn
