#pragma once
// Symmetric int8 quantization with one scale per row, for embedding tables [vocab, dim] and dense
// kernels [units, in] (one scale per output channel). Row r is stored as
//   scale[r] = max_c |w[r, c]| / 127
//   values[r, c] = w[r, c] / scale[r], rounded to nearest (ties to even) and clamped to [-127, 127]
// and read back as values[r, c] * scale[r]. An all-zero row gets scale 0. -128 is never written,
// so negation cannot overflow.

#include <map>
#include <string>
#include <vector>

#include "core/io/safetensors.h"
#include "core/tensor/tensor.h"

namespace maas::io {

struct QuantizedTensor {
  Int8Tensor values;          // shape of the float tensor, rank 2
  std::vector<float> scales;  // one per row
};

// Quantized parameters by parameter name ("layers.0.embedding.embeddings").
using QuantizedWeights = std::map<std::string, QuantizedTensor>;

// True for the parameters maas stores as int8: embedding tables and dense kernels. Biases stay
// float32, because they are small and an error in them shifts every output.
bool is_quantized_parameter(const std::string& name);

// Quantizes a float32 rank-2 tensor row by row. Throws InvalidArgument for another dtype or rank,
// or a non-finite value, naming `name`.
QuantizedTensor quantize_rows(const Tensor& weights, const std::string& name);

// Returns the float32 tensor values * scale per row.
Tensor dequantize_rows(const QuantizedTensor& quantized);

}  // namespace maas::io
