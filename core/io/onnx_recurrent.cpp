#include "core/io/onnx_layers.h"
#include "core/nn/recurrent.h"

namespace maas::io {

namespace {

// The maas gate of each ONNX gate, in ONNX order. maas keeps oneDNN's order: LSTM i, f, c, o and
// GRU z, r, h. ONNX wants LSTM i, o, f, c and GRU z, r, h.
const std::vector<std::int64_t> kLstmGates = {0, 3, 1, 2};
const std::vector<std::int64_t> kGruGates = {0, 1, 2};

// Turns a maas kernel [D, rows, G * H] (per direction the Keras layout) into the ONNX weights
// [D, G * H, rows] with the gates in ONNX order.
std::vector<float> onnx_weights(const Tensor& kernel, const std::vector<std::int64_t>& gates, std::int64_t units) {
  const std::int64_t directions = kernel.dim(0);
  const std::int64_t rows = kernel.dim(1);
  const std::int64_t columns = kernel.dim(2);
  const float* source = kernel.data<float>();
  std::vector<float> weights(static_cast<std::size_t>(kernel.numel()));
  for (std::int64_t d = 0; d < directions; ++d) {
    for (std::size_t g = 0; g < gates.size(); ++g) {
      for (std::int64_t u = 0; u < units; ++u) {
        const std::int64_t column = gates[g] * units + u;
        const std::int64_t onnx_row = static_cast<std::int64_t>(g) * units + u;
        for (std::int64_t r = 0; r < rows; ++r) {
          weights[static_cast<std::size_t>((d * columns + onnx_row) * rows + r)] =
              source[(d * rows + r) * columns + column];
        }
      }
    }
  }
  return weights;
}

// Turns the maas bias [D, 4 * H] into the ONNX bias [D, 2 * G * H]: the input biases Wb, then the
// recurrent biases Rb. The LSTM bias goes to Wb whole, with Rb zero. The GRU z, r, h biases go
// to Wb, and its fourth block, the recurrent candidate bias of the linear-before-reset GRU,
// to the h block of Rb.
std::vector<float> onnx_bias(const Tensor& bias, const std::vector<std::int64_t>& gates, std::int64_t units,
                             bool gru) {
  const std::int64_t directions = bias.dim(0);
  const auto gate_count = static_cast<std::int64_t>(gates.size());
  const std::int64_t width = 2 * gate_count * units;
  const float* source = bias.data<float>();
  std::vector<float> onnx(static_cast<std::size_t>(directions * width), 0.0f);
  for (std::int64_t d = 0; d < directions; ++d) {
    const float* from = source + d * 4 * units;
    float* to = onnx.data() + d * width;
    for (std::int64_t g = 0; g < gate_count; ++g) {
      std::copy(from + gates[g] * units, from + (gates[g] + 1) * units, to + g * units);
    }
    if (gru) std::copy(from + 3 * units, from + 4 * units, to + (gate_count + 2) * units);
  }
  return onnx;
}

}  // namespace

// The ONNX LSTM and GRU ops read [seq, batch, in] and return Y [seq, D, batch, H] and
// Y_h [D, batch, H]; transposes and reshapes give maas's [batch, seq, D * H] and [batch, D * H],
// forward direction first. No sequence_lens input is given, because maas reads every position,
// padding included (see nn::Recurrent), from a zero initial state.
std::string emit_recurrent(const OnnxLayerContext& context, const nn::Recurrent& layer, const std::string& x) {
  OnnxGraph& graph = context.graph;
  const bool gru = layer.type() == "gru";
  const std::vector<std::int64_t>& gates = gru ? kGruGates : kLstmGates;
  const auto gate_count = static_cast<std::int64_t>(gates.size());
  const std::int64_t units = layer.units();
  const std::int64_t directions = layer.bidirectional() ? 2 : 1;
  const Tensor& kernel = context.parameter("kernel");
  const std::int64_t in = kernel.dim(1);

  const std::string w = graph.float_initializer(context.name("kernel"), {directions, gate_count * units, in},
                                                onnx_weights(kernel, gates, units));
  const std::string r =
      graph.float_initializer(context.name("recurrent_kernel"), {directions, gate_count * units, units},
                              onnx_weights(context.parameter("recurrent_kernel"), gates, units));
  const std::string b = graph.float_initializer(context.name("bias"), {directions, 2 * gate_count * units},
                                                onnx_bias(context.parameter("bias"), gates, units, gru));

  std::vector<OnnxAttribute> attributes = {{"hidden_size", units},
                                           {"direction", layer.bidirectional() ? "bidirectional" : "forward"}};
  if (gru) attributes.emplace_back("linear_before_reset", 1);
  const std::string time_major = graph.node("Transpose", {x}, {{"perm", OnnxInts{1, 0, 2}}});
  const std::vector<std::string> outputs = graph.multi_output_node(
      gru ? "GRU" : "LSTM", {time_major, w, r, b}, attributes, {layer.return_sequences(), !layer.return_sequences()});

  if (layer.return_sequences()) {
    const std::string batch_major = graph.node("Transpose", {outputs[0]}, {{"perm", OnnxInts{2, 0, 1, 3}}});
    const std::string shape = graph.int64_constant(context.name("sequence_shape"), {0, 0, -1}, false);
    return graph.node("Reshape", {batch_major, shape});
  }
  const std::string batch_major = graph.node("Transpose", {outputs[1]}, {{"perm", OnnxInts{1, 0, 2}}});
  const std::string shape = graph.int64_constant(context.name("state_shape"), {0, -1}, false);
  return graph.node("Reshape", {batch_major, shape});
}

}  // namespace maas::io
