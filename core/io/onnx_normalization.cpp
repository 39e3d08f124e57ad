#include "core/io/onnx_layers.h"
#include "core/nn/layer_normalization.h"

namespace maas::io {

// y = gamma * (x - mean) / sqrt(variance + epsilon) + beta over the last axis, the biased
// variance as in kernels::layer_norm_forward.
std::string layer_norm_nodes(const OnnxLayerContext& context, const std::string& x, const std::string& gamma,
                             const std::string& beta, double epsilon, const std::string& name) {
  OnnxGraph& graph = context.graph;
  const std::vector<OnnxAttribute> over_features = {{"keepdims", 1}, {"axes", OnnxInts{-1}}};
  const std::string centered = graph.node("Sub", {x, graph.node("ReduceMean", {x}, over_features)});
  const std::string variance = graph.node("ReduceMean", {graph.node("Mul", {centered, centered})}, over_features);
  const std::string epsilon_name = graph.float_constant(context.name(name + ".epsilon"), static_cast<float>(epsilon));
  const std::string deviation = graph.node("Sqrt", {graph.node("Add", {variance, epsilon_name})});
  const std::string normalized = graph.node("Div", {centered, deviation});
  return graph.node("Add", {graph.node("Mul", {normalized, gamma}), beta});
}

std::string emit_layer_normalization(const OnnxLayerContext& context, const nn::LayerNormalization& layer,
                                     const std::string& x) {
  return layer_norm_nodes(context, x, context.parameter_initializer("gamma"), context.parameter_initializer("beta"),
                          layer.epsilon(), "norm");
}

}  // namespace maas::io
