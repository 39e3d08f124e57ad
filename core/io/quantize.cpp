#include "core/io/quantize.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/common/error.h"

namespace maas::io {

namespace {

constexpr float kInt8Max = 127.0f;

// Parameters stored as int8, by layer type and parameter name, with the rank their kernel has.
struct Int8Parameter {
  std::string_view layer;
  std::string_view parameter;
  std::size_t rank;
};

constexpr std::array<Int8Parameter, 13> kInt8Parameters = {{
    {"embedding", "embeddings", 2},
    {"dense", "kernel", 2},
    {"transformer_encoder", "query_kernel", 2},
    {"transformer_encoder", "key_kernel", 2},
    {"transformer_encoder", "value_kernel", 2},
    {"transformer_encoder", "output_kernel", 2},
    {"transformer_encoder", "ff1_kernel", 2},
    {"transformer_encoder", "ff2_kernel", 2},
    {"conv1d", "kernel", 3},
    {"lstm", "kernel", 3},
    {"lstm", "recurrent_kernel", 3},
    {"gru", "kernel", 3},
    {"gru", "recurrent_kernel", 3},
}};

// Returns the scales shape padded to the tensor's rank ([rows] becomes [rows, 1]), or throws.
std::vector<std::int64_t> broadcast_shape(const std::vector<std::int64_t>& shape,
                                          const std::vector<std::int64_t>& scales_shape, const std::string& name) {
  if (shape.size() == 2 && scales_shape.size() == 1 && scales_shape[0] == shape[0]) return {shape[0], 1};
  bool fits = scales_shape.size() == shape.size() && !shape.empty();
  for (std::size_t a = 0; fits && a < shape.size(); ++a) {
    fits = scales_shape[a] == 1 || scales_shape[a] == shape[a];
  }
  if (!fits) {
    throw InvalidArgument(fmt::format("cannot quantize '{}' of shape {} with scales of shape {}: each scales axis "
                                      "must be 1 or the tensor's size on that axis",
                                      name, shape_to_string(shape), shape_to_string(scales_shape)));
  }
  return scales_shape;
}

// Calls visit(flat, channel, index) for every element of a row-major tensor of `shape`, in order,
// where `channel` is the element's flat position in the broadcast scales of `broadcast`.
template <typename Visit>
void for_each_channel(const std::vector<std::int64_t>& shape, const std::vector<std::int64_t>& broadcast,
                      Visit&& visit) {
  const std::size_t rank = shape.size();
  std::vector<std::int64_t> stride(rank, 0);
  std::int64_t step = 1;
  for (std::size_t a = rank; a-- > 0;) {
    stride[a] = broadcast[a] == 1 ? 0 : step;
    step *= broadcast[a];
  }
  std::int64_t numel = 1;
  for (const std::int64_t size : shape) numel *= size;
  std::vector<std::int64_t> index(rank, 0);
  std::int64_t channel = 0;
  for (std::int64_t flat = 0; flat < numel; ++flat) {
    visit(flat, channel, index);
    // Odometer step: advance the last axis, carrying into the earlier ones.
    for (std::size_t a = rank; a-- > 0;) {
      channel += stride[a];
      if (++index[a] < shape[a]) break;
      channel -= stride[a] * shape[a];
      index[a] = 0;
    }
  }
}

}  // namespace

std::optional<std::vector<std::int64_t>> int8_scales_shape(const std::string& name,
                                                           const std::vector<std::int64_t>& shape) {
  const std::size_t last_dot = name.rfind('.');
  if (last_dot == std::string::npos || last_dot == 0) return std::nullopt;
  const std::size_t type_dot = name.rfind('.', last_dot - 1);
  const std::string_view parameter = std::string_view(name).substr(last_dot + 1);
  const std::size_t type_begin = type_dot == std::string::npos ? 0 : type_dot + 1;
  const std::string_view layer = std::string_view(name).substr(type_begin, last_dot - type_begin);
  const bool listed = std::any_of(kInt8Parameters.begin(), kInt8Parameters.end(), [&](const Int8Parameter& p) {
    return p.layer == layer && p.parameter == parameter && p.rank == shape.size();
  });
  if (!listed) return std::nullopt;
  if (shape.size() == 2) return std::vector<std::int64_t>{shape[0]};
  // A conv1d channel is one filter; an RNN channel is one gate unit of one direction.
  if (layer == "conv1d") return std::vector<std::int64_t>{1, 1, shape[2]};
  return std::vector<std::int64_t>{shape[0], 1, shape[2]};
}

QuantizedTensor quantize_channels(const Tensor& weights, std::vector<std::int64_t> scales_shape,
                                  const std::string& name) {
  if (weights.dtype() != DType::kFloat32) {
    throw InvalidArgument(fmt::format("cannot quantize '{}': expected a float32 tensor, got {} {}", name,
                                      dtype_name(weights.dtype()), weights.shape_string()));
  }
  const std::vector<std::int64_t> broadcast = broadcast_shape(weights.shape(), scales_shape, name);
  std::int64_t channels = 1;
  for (const std::int64_t size : scales_shape) channels *= size;

  const float* src = weights.data<float>();
  std::vector<float> max_abs(static_cast<std::size_t>(channels), 0.0f);
  for_each_channel(weights.shape(), broadcast, [&](std::int64_t flat, std::int64_t channel, const auto& index) {
    if (!std::isfinite(src[flat])) {
      throw InvalidArgument(fmt::format("cannot quantize '{}': value {} at [{}] is not finite; retrain the model",
                                        name, src[flat], fmt::join(index, ", ")));
    }
    float& channel_max = max_abs[static_cast<std::size_t>(channel)];
    channel_max = std::max(channel_max, std::fabs(src[flat]));
  });

  QuantizedTensor quantized{{weights.shape(), std::vector<std::int8_t>(static_cast<std::size_t>(weights.numel()))},
                            std::vector<float>(static_cast<std::size_t>(channels)),
                            std::move(scales_shape)};
  for (std::size_t k = 0; k < max_abs.size(); ++k) quantized.scales[k] = max_abs[k] / kInt8Max;
  std::int8_t* dst = quantized.values.values.data();
  for_each_channel(weights.shape(), broadcast, [&](std::int64_t flat, std::int64_t channel, const auto&) {
    const float scale = quantized.scales[static_cast<std::size_t>(channel)];
    const float q = scale == 0.0f ? 0.0f : std::nearbyint(src[flat] / scale);
    dst[flat] = static_cast<std::int8_t>(std::clamp(q, -kInt8Max, kInt8Max));
  });
  return quantized;
}

QuantizedTensor quantize_rows(const Tensor& weights, const std::string& name) {
  if (weights.dtype() != DType::kFloat32 || weights.rank() != 2) {
    throw InvalidArgument(fmt::format("cannot quantize '{}': expected a float32 rank-2 tensor, got {} {}", name,
                                      dtype_name(weights.dtype()), weights.shape_string()));
  }
  return quantize_channels(weights, {weights.dim(0)}, name);
}

Tensor dequantize(const QuantizedTensor& quantized) {
  const std::vector<std::int64_t>& shape = quantized.values.shape;
  Tensor weights(shape, DType::kFloat32);
  float* dst = weights.data<float>();
  for_each_channel(shape, broadcast_shape(shape, quantized.scales_shape, "dequantize"),
                   [&](std::int64_t flat, std::int64_t channel, const auto&) {
                     dst[flat] = static_cast<float>(quantized.values.values[static_cast<std::size_t>(flat)]) *
                                 quantized.scales[static_cast<std::size_t>(channel)];
                   });
  return weights;
}

}  // namespace maas::io
