#include <limits>

#include "core/io/onnx_layers.h"
#include "core/nn/max_pooling.h"
#include "core/nn/pooling.h"

namespace maas::io {

std::string emit_global_average_pooling(const OnnxLayerContext& context, const nn::GlobalAveragePooling1D& layer,
                                        const std::string& x) {
  OnnxGraph& graph = context.graph;
  if (!layer.mask()) return graph.node("ReduceMean", {x}, {{"keepdims", 0}, {"axes", OnnxInts{1}}});

  // The mean over non-padding positions; max(count, 1) gives zeros for a row of padding.
  const std::string mask = graph.node("Cast", {not_padding_mask(graph)}, {{"to", onnx::TensorProto::FLOAT}});
  const std::string axis2 = graph.int64_constant(context.name("axis2"), {2}, false);
  const std::string axis1 = graph.int64_constant(context.name("axis1"), {1}, false);
  const std::string masked = graph.node("Mul", {x, graph.node("Unsqueeze", {mask, axis2})});
  const std::string sum = graph.node("ReduceSum", {masked, axis1}, {{"keepdims", 0}});
  const std::string count = graph.node("ReduceSum", {mask, axis1}, {{"keepdims", 1}});
  const std::string float_one = graph.float_constant(context.name("one"), 1.0f);
  return graph.node("Div", {sum, graph.node("Max", {count, float_one})});
}

std::string emit_global_max_pooling(const OnnxLayerContext& context, const nn::GlobalMaxPooling1D& layer,
                                    const std::string& x) {
  OnnxGraph& graph = context.graph;
  const std::vector<OnnxAttribute> over_sequence = {{"keepdims", 0}, {"axes", OnnxInts{1}}};
  if (!layer.mask()) return graph.node("ReduceMax", {x}, over_sequence);

  // Padding positions become -inf, so they never win. A row of padding only gives -inf, and
  // the last Where turns that into the zeros maas returns for such a row.
  const std::string not_padding = not_padding_mask(graph);
  const std::string axis2 = graph.int64_constant(context.name("axis2"), {2}, false);
  const std::string minus_infinity =
      graph.float_constant(context.name("minus_infinity"), -std::numeric_limits<float>::infinity());
  const std::string masked = graph.node("Where", {graph.node("Unsqueeze", {not_padding, axis2}), x, minus_infinity});
  const std::string max = graph.node("ReduceMax", {masked}, over_sequence);

  const std::string mask = graph.node("Cast", {not_padding}, {{"to", onnx::TensorProto::FLOAT}});
  const std::string any_token = graph.node(
      "Cast", {graph.node("ReduceMax", {mask}, {{"keepdims", 1}, {"axes", OnnxInts{1}}})},
      {{"to", onnx::TensorProto::BOOL}});
  const std::string zero = graph.float_constant(context.name("zero"), 0.0f);
  return graph.node("Where", {any_token, max, zero});
}

}  // namespace maas::io
