#include "core/io/quantize.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/common/error.h"

namespace maas::io {

namespace {
constexpr float kInt8Max = 127.0f;
}  // namespace

bool is_quantized_parameter(const std::string& name) {
  return name.ends_with(".embedding.embeddings") || name.ends_with(".dense.kernel");
}

QuantizedTensor quantize_rows(const Tensor& weights, const std::string& name) {
  if (weights.dtype() != DType::kFloat32 || weights.rank() != 2) {
    throw InvalidArgument(fmt::format("cannot quantize '{}': expected a float32 rank-2 tensor, got {} {}", name,
                                      dtype_name(weights.dtype()), weights.shape_string()));
  }
  const std::int64_t rows = weights.dim(0);
  const std::int64_t columns = weights.dim(1);
  QuantizedTensor quantized{{weights.shape(), std::vector<std::int8_t>(static_cast<std::size_t>(weights.numel()))},
                            std::vector<float>(static_cast<std::size_t>(rows))};
  const float* src = weights.data<float>();
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* row = src + r * columns;
    float max_abs = 0.0f;
    for (std::int64_t c = 0; c < columns; ++c) {
      if (!std::isfinite(row[c])) {
        throw InvalidArgument(fmt::format("cannot quantize '{}': value {} at [{}, {}] is not finite; retrain the model",
                                          name, row[c], r, c));
      }
      max_abs = std::max(max_abs, std::fabs(row[c]));
    }
    const float scale = max_abs / kInt8Max;
    quantized.scales[static_cast<std::size_t>(r)] = scale;
    std::int8_t* dst = quantized.values.values.data() + r * columns;
    for (std::int64_t c = 0; c < columns; ++c) {
      const float q = scale == 0.0f ? 0.0f : std::nearbyint(row[c] / scale);
      dst[c] = static_cast<std::int8_t>(std::clamp(q, -kInt8Max, kInt8Max));
    }
  }
  return quantized;
}

Tensor dequantize_rows(const QuantizedTensor& quantized) {
  Tensor weights(quantized.values.shape, DType::kFloat32);
  const std::int64_t rows = quantized.values.shape.at(0);
  const std::int64_t columns = quantized.values.shape.at(1);
  float* dst = weights.data<float>();
  for (std::int64_t r = 0; r < rows; ++r) {
    const float scale = quantized.scales[static_cast<std::size_t>(r)];
    for (std::int64_t c = 0; c < columns; ++c) {
      dst[r * columns + c] = static_cast<float>(quantized.values.values[static_cast<std::size_t>(r * columns + c)]) * scale;
    }
  }
  return weights;
}

}  // namespace maas::io
