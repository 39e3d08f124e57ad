#pragma once
// Inference with the int8 weights of a version 2 or 3 artifact, without dequantizing them first,
// for the architectures it runs: embedding, global_average_pooling1d, dense and dropout.
//
// Each text is computed on its own, in a fixed order of operations, so a text gets bit-identical
// probabilities whatever batch it arrives in and whatever the thread count. (The float path runs
// oneDNN on the whole batch, whose summation order can depend on the batch size.) Activations stay
// float32: only the weights are int8, each row scaled by its float32 scale.
//
// An int8 model with any other layer (conv1d, lstm, gru, transformer_encoder, layer_normalization,
// global_max_pooling1d) runs on the float network that io::load_artifact fills with the
// dequantized weights, so the guarantees above do not hold for it. An int8 path pays here: the
// work is a gather and a few small matrix-vector products, and on GameTox one text takes 3.6 µs
// against 4.1 µs in float (docs/BENCHMARKS.md). For the other layers it would be a large new
// kernel each: convolution, LSTM and GRU cells with their gate layouts, and attention. oneDNN
// 2.6's int8 convolution and RNN primitives take int8 or u8 activations, which would need scales
// of their own. Weight-only quantization keeps the int8 weights on disk and runs the same float
// primitives as training.

#include <cstdint>
#include <vector>

#include "core/io/artifact.h"
#include "kernels/activation.h"

namespace maas::infer {

class QuantizedNetwork {
 public:
  // Copies the int8 tensors and float biases out of `model`. Throws Unsupported when a layer has
  // no int8 path here (see runs()), and InvalidArgument when `model` has no int8 weights.
  explicit QuantizedNetwork(const io::Model& model);

  // True when every layer of `network` has an int8 path here: embedding, global_average_pooling1d,
  // dense and dropout.
  static bool runs(const nn::Sequential& network);

  // Writes the probabilities [batch, outputs()] for ids [batch, seq] to `dst`, with the output
  // activation applied. Ids must lie in [0, vocab) (the artifact loader guarantees it for ids
  // from the model's encoder). Safe to call from many threads at once.
  void predict(const std::int32_t* ids, std::int64_t batch, std::int64_t seq, float* dst) const;

  int outputs() const { return outputs_; }

 private:
  struct DenseStep {
    std::vector<std::int8_t> kernel;  // [units, in]
    std::vector<float> scales;        // [units]
    std::vector<float> bias;          // [units]
    std::int64_t in = 0;
    std::int64_t units = 0;
    kernels::Activation activation = kernels::Activation::kLinear;
  };

  void predict_row(const std::int32_t* ids, std::int64_t seq, std::vector<float>& a, std::vector<float>& b,
                   float* dst) const;

  std::vector<std::int8_t> table_;  // [vocab, dim]
  std::vector<float> table_scales_;  // [vocab]
  std::int64_t vocab_ = 0;
  std::int64_t dim_ = 0;
  bool mask_ = true;
  std::vector<DenseStep> dense_;
  std::int64_t widest_ = 0;
  int outputs_ = 0;
};

}  // namespace maas::infer
