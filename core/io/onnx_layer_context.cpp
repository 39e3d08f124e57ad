#include <fmt/format.h>

#include "core/common/error.h"
#include "core/io/onnx_layers.h"

namespace maas::io {

const Tensor& OnnxLayerContext::parameter(const std::string& suffix) const {
  const std::string full_name = name(suffix);
  for (const nn::Parameter& parameter : network.parameters()) {
    if (parameter.name == full_name) return parameter.value;
  }
  throw InvalidArgument(fmt::format("the network has no parameter '{}'", full_name));
}

std::string OnnxLayerContext::parameter_initializer(const std::string& suffix) const {
  return graph.float_initializer(name(suffix), parameter(suffix));
}

std::string not_padding_mask(OnnxGraph& graph) {
  return graph.shared("not_padding", [&graph] {
    const std::string zero = graph.int64_constant("padding_id", {0}, true);
    return graph.node("Not", {graph.node("Equal", {kOnnxIdsInput, zero})});
  });
}

std::string activation_node(OnnxGraph& graph, nn::Activation activation, const std::string& x, std::string output) {
  switch (activation) {
    case nn::Activation::kLinear: return output.empty() ? x : graph.node("Identity", {x}, {}, output);
    case nn::Activation::kRelu: return graph.node("Relu", {x}, {}, output);
    case nn::Activation::kTanh: return graph.node("Tanh", {x}, {}, output);
    case nn::Activation::kSigmoid: return graph.node("Sigmoid", {x}, {}, output);
    case nn::Activation::kSoftmax: return graph.node("Softmax", {x}, {{"axis", -1}}, output);
  }
  throw Unsupported(fmt::format("activation {} has no ONNX mapping", static_cast<int>(activation)));
}

}  // namespace maas::io
