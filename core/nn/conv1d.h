#pragma once
// Conv1D: a 1-D convolution over the sequence axis, stride 1,
// [batch, seq, in] -> [batch, out_seq, filters].

#include <string>

#include "core/nn/activation.h"
#include "core/nn/layer.h"

namespace maas::nn {

// Padding as in Keras: "same" adds kernel_size - 1 zero positions, (kernel_size - 1) / 2 of
// them before the sequence and the rest after it, so out_seq = seq. "valid" adds none, so
// out_seq = seq - kernel_size + 1 and the input needs seq >= kernel_size.
enum class ConvPadding { kSame, kValid };

// Parameters:
// - "kernel" [kernel_size, in, filters]: the Keras Conv1D layout, which oneDNN runs with its
//   gemm-based convolution (the ONNX Conv layout [filters, in, kernel_size] is its transpose).
//   Initialised Glorot-uniform with fan_in = kernel_size * in and fan_out = kernel_size *
//   filters, as Keras does.
// - "bias" [filters], initialised to zeros.
// Padding ids are convolved like any other position (Keras Conv1D ignores masks too).
class Conv1D : public Layer {
 public:
  // Throws InvalidArgument unless every size is >= 1 and the activation is linear, relu, tanh
  // or sigmoid.
  Conv1D(std::int64_t in, std::int64_t filters, std::int64_t kernel_size, Activation activation,
         ConvPadding padding);

  std::unique_ptr<Layer> clone() const override { return std::make_unique<Conv1D>(*this); }
  std::string_view type() const override { return "conv1d"; }
  nlohmann::json to_json() const override;
  std::vector<ParameterSpec> parameter_specs() const override;
  void initialize(std::span<Parameter> params, Rng& rng) const override;

  // x is float32 [batch, seq, in]; with valid padding seq must be >= kernel_size.
  const Tensor& forward(std::span<Parameter> params, const Tensor& x, const Tensor& ids,
                        bool training, Rng& rng) override;
  const Tensor* backward(std::span<Parameter> params, const Tensor& dy) override;
  void infer(std::span<const Parameter> params, const Tensor& x, const Tensor& ids,
             Tensor& y) const override;

  std::int64_t in() const { return in_; }
  std::int64_t filters() const { return filters_; }
  std::int64_t kernel_size() const { return kernel_size_; }
  Activation activation() const { return activation_; }
  ConvPadding padding() const { return padding_; }

 private:
  void check_sequence(const Tensor& x) const;

  std::int64_t in_;
  std::int64_t filters_;
  std::int64_t kernel_size_;
  Activation activation_;
  ConvPadding padding_;
  Tensor input_;  // Copy of the last forward input, for the weight gradient.
  Tensor output_;
  Tensor pre_activation_grad_;
  Tensor input_grad_;
  bool forward_done_ = false;
};

// Parses "same" or "valid". Throws InvalidArgument naming the value and `json_path`.
ConvPadding parse_conv_padding(std::string_view name, std::string_view json_path);
std::string_view conv_padding_name(ConvPadding padding);

}  // namespace maas::nn
