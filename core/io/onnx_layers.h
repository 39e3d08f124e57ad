#pragma once
// The ONNX emitters of maas layers: each appends the nodes that compute one layer's inference
// output from its input `x` and returns the name of that output. Every emitter matches the
// layer's infer() to float32 rounding, padding included, because the exported graph must give
// the probabilities `maas predict` gives.

#include <string>

#include "core/io/onnx_graph.h"
#include "core/nn/activation.h"
#include "core/nn/sequential.h"

namespace maas::nn {
class Conv1D;
class GlobalAveragePooling1D;
class GlobalMaxPooling1D;
class LayerNormalization;
class Recurrent;
class TransformerEncoder;
}  // namespace maas::nn

namespace maas::io {

// The graph input "ids": int64 [batch, seq].
inline constexpr const char* kOnnxIdsInput = "ids";

// The graph and the layer's parameters, which every emitter takes besides the layer.
struct OnnxLayerContext {
  OnnxGraph& graph;
  const nn::Sequential& network;
  std::string prefix;  // the layer's parameter-name prefix, such as "layers.2.conv1d"

  // Returns "<prefix>.<suffix>", the name of a parameter or of an initializer of this layer.
  std::string name(const std::string& suffix) const { return prefix + "." + suffix; }
  // Returns the value of the parameter "<prefix>.<suffix>". Throws InvalidArgument when the
  // network has no such parameter.
  const Tensor& parameter(const std::string& suffix) const;
  // Adds the parameter "<prefix>.<suffix>" unchanged as an initializer of the same name.
  std::string parameter_initializer(const std::string& suffix) const;
};

// Returns bool [batch, seq]: true where the id is not 0. maas masks id 0 only, whatever the
// tokenizer's padding value, and so does the graph.
std::string not_padding_mask(OnnxGraph& graph);

// Appends `activation` applied to `x`. A softmax runs over the last axis. With linear, returns `x`
// unless `output` names the result, in which case an Identity node produces it.
std::string activation_node(OnnxGraph& graph, nn::Activation activation, const std::string& x,
                            std::string output = "");

std::string emit_global_average_pooling(const OnnxLayerContext& context, const nn::GlobalAveragePooling1D& layer,
                                        const std::string& x);
std::string emit_global_max_pooling(const OnnxLayerContext& context, const nn::GlobalMaxPooling1D& layer,
                                    const std::string& x);
std::string emit_conv1d(const OnnxLayerContext& context, const nn::Conv1D& layer, const std::string& x);
std::string emit_recurrent(const OnnxLayerContext& context, const nn::Recurrent& layer, const std::string& x);
std::string emit_layer_normalization(const OnnxLayerContext& context, const nn::LayerNormalization& layer,
                                     const std::string& x);
std::string emit_transformer_encoder(const OnnxLayerContext& context, const nn::TransformerEncoder& layer,
                                     const std::string& x);

// Appends layer normalization over the last axis of `x` with the initializers `gamma` and `beta`,
// as ReduceMean, Sub, Mul, Sqrt and Div nodes, because LayerNormalization needs opset 17.
std::string layer_norm_nodes(const OnnxLayerContext& context, const std::string& x, const std::string& gamma,
                             const std::string& beta, double epsilon, const std::string& name);

}  // namespace maas::io
