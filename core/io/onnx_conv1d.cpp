#include "core/io/onnx_layers.h"
#include "core/nn/conv1d.h"

namespace maas::io {

// ONNX Conv reads [batch, channels, seq] and a kernel [filters, in, kernel_size], so the input
// is transposed around it and the maas kernel [kernel_size, in, filters] is permuted.
std::string emit_conv1d(const OnnxLayerContext& context, const nn::Conv1D& layer, const std::string& x) {
  OnnxGraph& graph = context.graph;
  const std::int64_t size = layer.kernel_size();
  const std::int64_t in = layer.in();
  const std::int64_t filters = layer.filters();
  const float* kernel = context.parameter("kernel").data<float>();
  std::vector<float> weights(static_cast<std::size_t>(filters * in * size));
  for (std::int64_t k = 0; k < size; ++k) {
    for (std::int64_t c = 0; c < in; ++c) {
      for (std::int64_t f = 0; f < filters; ++f) {
        weights[static_cast<std::size_t>((f * in + c) * size + k)] = kernel[(k * in + c) * filters + f];
      }
    }
  }
  const std::string weights_name = graph.float_initializer(context.name("kernel"), {filters, in, size}, weights);
  const std::string bias = context.parameter_initializer("bias");

  // The same split as nn::Conv1D: "same" pads (size - 1) / 2 before and the rest after.
  const std::int64_t pad_before = layer.padding() == nn::ConvPadding::kSame ? (size - 1) / 2 : 0;
  const std::int64_t pad_after = layer.padding() == nn::ConvPadding::kSame ? size - 1 - pad_before : 0;

  const std::string channels_first = graph.node("Transpose", {x}, {{"perm", OnnxInts{0, 2, 1}}});
  const std::string convolved = graph.node(
      "Conv", {channels_first, weights_name, bias},
      {{"kernel_shape", OnnxInts{size}}, {"pads", OnnxInts{pad_before, pad_after}}, {"strides", OnnxInts{1}}});
  const std::string channels_last = graph.node("Transpose", {convolved}, {{"perm", OnnxInts{0, 2, 1}}});
  return activation_node(graph, layer.activation(), channels_last);
}

}  // namespace maas::io
