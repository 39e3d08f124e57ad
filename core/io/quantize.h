#pragma once
// Symmetric int8 quantization with one float32 scale per output channel. For channel k, over the
// weights w[i] that belong to it:
//   scale[k] = max_i |w[i]| / 127
//   values[i] = w[i] / scale[k], rounded to nearest (ties to even) and clamped to [-127, 127]
// and read back as values[i] * scale[k]. A channel of zeros gets scale 0. -128 is never written,
// so negation cannot overflow.
//
// The scales tensor's shape sets which weights form a channel:
// - [rows] for a rank-2 tensor: one scale per row. Rows are the tokens of an embedding table
//   [vocab, dim] and the output units of a kernel [units, in] (dense, transformer projections).
// - For a rank-3 tensor, the tensor's shape with the axes that a channel sums over set to 1, as
//   in numpy's keepdims: [1, 1, filters] for a conv1d kernel [kernel_size, in, filters], and
//   [D, 1, G * units] for an LSTM or GRU kernel [D, in or units, G * units] (per direction and
//   gate unit).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/io/safetensors.h"
#include "core/tensor/tensor.h"

namespace maas::io {

struct QuantizedTensor {
  Int8Tensor values;                       // shape of the float tensor
  std::vector<float> scales;               // one per channel, row-major over scales_shape
  std::vector<std::int64_t> scales_shape;  // see the file comment
};

// Quantized parameters by parameter name ("layers.0.embedding.embeddings").
using QuantizedWeights = std::map<std::string, QuantizedTensor>;

// Returns the scales shape for the parameter `name` ("layers.I.TYPE.PARAMETER") of shape `shape`
// when maas stores it as int8: embedding tables, and the kernels of dense, conv1d, lstm, gru and
// transformer_encoder layers. Returns nullopt for every other parameter, which stays float32:
// biases and layer-norm gamma and beta are small, and an error in them shifts every output.
std::optional<std::vector<std::int64_t>> int8_scales_shape(const std::string& name,
                                                           const std::vector<std::int64_t>& shape);

// Quantizes a float32 tensor with one scale per channel as `scales_shape` lays out (see the file
// comment). Throws InvalidArgument for another dtype, a scales shape that does not fit the
// tensor, or a non-finite value, naming `name`.
QuantizedTensor quantize_channels(const Tensor& weights, std::vector<std::int64_t> scales_shape,
                                  const std::string& name);

// Quantizes a float32 rank-2 tensor row by row (scales shape [rows]).
QuantizedTensor quantize_rows(const Tensor& weights, const std::string& name);

// Returns the float32 tensor values * scale of each value's channel.
Tensor dequantize(const QuantizedTensor& quantized);

}  // namespace maas::io
