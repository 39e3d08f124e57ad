#include <cmath>
#include <limits>

#include "core/io/onnx_layers.h"
#include "core/nn/transformer_encoder.h"

namespace maas::io {

namespace {

// Adds the dense kernel [out, in] as its transpose [in, out], so that MatMul applies it to
// [batch, seq, in] directly, and returns x W^T + b.
std::string affine(const OnnxLayerContext& context, const std::string& x, const std::string& kernel_name,
                   const std::string& bias_name) {
  const Tensor& kernel = context.parameter(kernel_name);
  const std::int64_t out = kernel.dim(0);
  const std::int64_t in = kernel.dim(1);
  std::vector<float> transposed(static_cast<std::size_t>(kernel.numel()));
  for (std::int64_t o = 0; o < out; ++o) {
    for (std::int64_t i = 0; i < in; ++i) transposed[static_cast<std::size_t>(i * out + o)] = kernel.data<float>()[o * in + i];
  }
  const std::string weights = context.graph.float_initializer(context.name(kernel_name), {in, out}, transposed);
  const std::string product = context.graph.node("MatMul", {x, weights});
  return context.graph.node("Add", {product, context.parameter_initializer(bias_name)});
}

}  // namespace

// The same steps as nn::TransformerEncoder::run_forward, on [batch, seq, features] with the heads
// as a separate axis: [batch, heads, seq, head_dim].
std::string emit_transformer_encoder(const OnnxLayerContext& context, const nn::TransformerEncoder& layer,
                                     const std::string& x) {
  OnnxGraph& graph = context.graph;
  const std::int64_t heads = layer.num_heads();
  const std::int64_t head_dim = layer.features() / heads;
  const std::string split_shape = graph.int64_constant(context.name("split_heads_shape"), {0, 0, heads, head_dim}, false);
  const auto split_heads = [&](const std::string& projection, const OnnxInts& perm) {
    return graph.node("Transpose", {graph.node("Reshape", {projection, split_shape})}, {{"perm", perm}});
  };
  const std::string q = split_heads(affine(context, x, "query_kernel", "query_bias"), {0, 2, 1, 3});
  const std::string k_transposed = split_heads(affine(context, x, "key_kernel", "key_bias"), {0, 2, 3, 1});
  const std::string v = split_heads(affine(context, x, "value_kernel", "value_bias"), {0, 2, 1, 3});

  const std::string scale = graph.float_constant(context.name("scale"), 1.0f / std::sqrt(static_cast<float>(head_dim)));
  std::string scores = graph.node("Mul", {graph.node("MatMul", {q, k_transposed}), scale});
  std::string probabilities;
  if (layer.mask()) {
    // Padding keys get the lowest float, so softmax gives them exactly 0 beside any real key. A
    // row whose keys are all padding gets a uniform softmax instead, and the Where after the
    // softmax zeroes it, as maas does.
    const std::string key_axes = graph.int64_constant(context.name("key_axes"), {1, 2}, false);
    const std::string key_valid = graph.node("Unsqueeze", {not_padding_mask(graph), key_axes});
    const std::string lowest = graph.float_constant(context.name("lowest"), std::numeric_limits<float>::lowest());
    const std::string zero = graph.float_constant(context.name("zero"), 0.0f);
    scores = graph.node("Where", {key_valid, scores, lowest});
    probabilities = graph.node("Where", {key_valid, graph.node("Softmax", {scores}, {{"axis", -1}}), zero});
  } else {
    probabilities = graph.node("Softmax", {scores}, {{"axis", -1}});
  }
  const std::string heads_context = graph.node("MatMul", {probabilities, v});
  const std::string merge_shape = graph.int64_constant(context.name("merge_heads_shape"), {0, 0, layer.features()}, false);
  const std::string attention_context = graph.node(
      "Reshape", {graph.node("Transpose", {heads_context}, {{"perm", OnnxInts{0, 2, 1, 3}}}), merge_shape});

  const std::string residual1 =
      graph.node("Add", {affine(context, attention_context, "output_kernel", "output_bias"), x});
  const std::string h =
      layer_norm_nodes(context, residual1, context.parameter_initializer("attention_norm_gamma"),
                       context.parameter_initializer("attention_norm_beta"), layer.epsilon(), "attention_norm");
  const std::string hidden = graph.node("Relu", {affine(context, h, "ff1_kernel", "ff1_bias")});
  const std::string residual2 = graph.node("Add", {affine(context, hidden, "ff2_kernel", "ff2_bias"), h});
  return layer_norm_nodes(context, residual2, context.parameter_initializer("output_norm_gamma"),
                          context.parameter_initializer("output_norm_beta"), layer.epsilon(), "output_norm");
}

}  // namespace maas::io
