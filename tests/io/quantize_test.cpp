#include "core/io/quantize.h"

#include <cmath>
#include <limits>
#include <optional>

#include <gtest/gtest.h>

#include "core/common/error.h"

namespace maas::io {
namespace {

Tensor matrix(std::vector<std::int64_t> shape, const std::vector<float>& values) {
  Tensor tensor(std::move(shape), DType::kFloat32);
  std::copy(values.begin(), values.end(), tensor.data<float>());
  return tensor;
}

TEST(QuantizeRows, ValuesAndScalesMatchHandComputation) {
  // Row 0: max |w| = 1.27, so scale 0.01 and 0.5 -> 50, -1.27 -> -127, 0.004 -> 0 (rounds down).
  // Row 1: all zero, so scale 0 and every value 0.
  // Row 2: max |w| = 2.54, scale 0.02: 0.03 -> 1.5 rounds to even 2, -0.01 -> -0.5 rounds to even 0.
  const Tensor weights = matrix({3, 3}, {0.5f, -1.27f, 0.004f, 0.0f, 0.0f, 0.0f, 2.54f, 0.03f, -0.01f});
  const QuantizedTensor quantized = quantize_rows(weights, "w");
  EXPECT_EQ(quantized.values.shape, (std::vector<std::int64_t>{3, 3}));
  EXPECT_FLOAT_EQ(quantized.scales[0], 0.01f);
  EXPECT_EQ(quantized.scales[1], 0.0f);
  EXPECT_FLOAT_EQ(quantized.scales[2], 0.02f);
  EXPECT_EQ(quantized.values.values, (std::vector<std::int8_t>{50, -127, 0, 0, 0, 0, 127, 2, 0}));
}

TEST(QuantizeRows, DequantizeIsWithinHalfAStep) {
  std::vector<float> values;
  for (int i = 0; i < 64; ++i) values.push_back(std::sin(0.37f * static_cast<float>(i)) * (1 + i % 3));
  const Tensor weights = matrix({4, 16}, values);
  const QuantizedTensor quantized = quantize_rows(weights, "w");
  const Tensor restored = dequantize(quantized);
  ASSERT_EQ(restored.shape(), weights.shape());
  for (int r = 0; r < 4; ++r) {
    for (int c = 0; c < 16; ++c) {
      EXPECT_LE(std::fabs(restored.data<float>()[r * 16 + c] - values[r * 16 + c]), quantized.scales[r] * 0.5f + 1e-7f);
    }
  }
}

TEST(QuantizeRows, NeverWritesMinus128) {
  const QuantizedTensor quantized = quantize_rows(matrix({1, 2}, {-3.0f, 1.0f}), "w");
  EXPECT_EQ(quantized.values.values[0], -127);
}

struct RejectCase {
  const char* name;
  Tensor weights;
  const char* message_part;
};

TEST(QuantizeRows, RejectsUnquantizableTensors) {
  const std::vector<RejectCase> cases = {
      {"rank 1", Tensor({4}), "rank-2"},
      {"int32", Tensor({2, 2}, DType::kInt32), "int32"},
      {"NaN", matrix({1, 2}, {1.0f, std::numeric_limits<float>::quiet_NaN()}), "at [0, 1] is not finite"},
      {"infinity", matrix({2, 1}, {1.0f, std::numeric_limits<float>::infinity()}), "at [1, 0] is not finite"},
  };
  for (const RejectCase& c : cases) {
    SCOPED_TRACE(c.name);
    try {
      quantize_rows(c.weights, "layers.2.dense.kernel");
      ADD_FAILURE() << "quantized";
    } catch (const InvalidArgument& e) {
      EXPECT_NE(std::string(e.what()).find(c.message_part), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("layers.2.dense.kernel"), std::string::npos) << e.what();
    }
  }
}

TEST(QuantizeChannels, Conv1dScalesPerFilter) {
  // Kernel [kernel_size 2, in 1, filters 2]: filter 0 contains {0.5, -1.27}, filter 1 {2.54, 0.03}.
  // Filter 0: max 1.27, scale 0.01 -> {50, -127}. Filter 1: max 2.54, scale 0.02 -> {127, 2}
  // (0.03 / 0.02 = 1.5 rounds to even 2).
  const Tensor weights = matrix({2, 1, 2}, {0.5f, 2.54f, -1.27f, 0.03f});
  const QuantizedTensor quantized = quantize_channels(weights, {1, 1, 2}, "layers.1.conv1d.kernel");
  ASSERT_EQ(quantized.scales.size(), 2u);
  EXPECT_FLOAT_EQ(quantized.scales[0], 0.01f);
  EXPECT_FLOAT_EQ(quantized.scales[1], 0.02f);
  EXPECT_EQ(quantized.values.values, (std::vector<std::int8_t>{50, 127, -127, 2}));
  const Tensor restored = dequantize(quantized);
  EXPECT_FLOAT_EQ(restored.data<float>()[1], 2.54f);
  EXPECT_FLOAT_EQ(restored.data<float>()[3], 0.04f);
}

TEST(QuantizeChannels, RecurrentScalesPerDirectionAndGateUnit) {
  // Kernel [directions 2, in 2, gate units 2]; channel (d, g) contains w[d, 0, g] and w[d, 1, g].
  // (0, 0): {1.27, 0.5} -> scale 0.01, {127, 50}. (0, 1): {-0.254, 0.1} -> scale 0.002, {-127, 50}.
  // (1, 0): zeros -> scale 0. (1, 1): {0, 12.7} -> scale 0.1, {0, 127}.
  const Tensor weights = matrix({2, 2, 2}, {1.27f, -0.254f, 0.5f, 0.1f, 0.0f, 0.0f, 0.0f, 12.7f});
  const QuantizedTensor quantized = quantize_channels(weights, {2, 1, 2}, "layers.1.lstm.kernel");
  ASSERT_EQ(quantized.scales.size(), 4u);
  EXPECT_FLOAT_EQ(quantized.scales[0], 0.01f);
  EXPECT_FLOAT_EQ(quantized.scales[1], 0.002f);
  EXPECT_EQ(quantized.scales[2], 0.0f);
  EXPECT_FLOAT_EQ(quantized.scales[3], 0.1f);
  EXPECT_EQ(quantized.values.values, (std::vector<std::int8_t>{127, -127, 50, 50, 0, 0, 0, 127}));
}

TEST(QuantizeChannels, RejectsScalesThatDoNotFit) {
  const Tensor weights = matrix({2, 1, 3}, {1, 2, 3, 4, 5, 6});
  for (const std::vector<std::int64_t>& scales : std::vector<std::vector<std::int64_t>>{{3}, {1, 3}, {1, 1, 2}}) {
    SCOPED_TRACE(shape_to_string(scales));
    try {
      quantize_channels(weights, scales, "layers.1.conv1d.kernel");
      ADD_FAILURE() << "quantized";
    } catch (const InvalidArgument& e) {
      EXPECT_NE(std::string(e.what()).find("layers.1.conv1d.kernel"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("[2, 1, 3]"), std::string::npos) << e.what();
    }
  }
}

TEST(QuantizeChannels, NonFiniteValueNamesItsIndex) {
  const Tensor weights = matrix({2, 1, 2}, {1, 2, 3, std::numeric_limits<float>::infinity()});
  try {
    quantize_channels(weights, {1, 1, 2}, "layers.1.conv1d.kernel");
    FAIL() << "quantized";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("at [1, 0, 1] is not finite"), std::string::npos) << e.what();
  }
}

struct ScalesShapeCase {
  const char* name;
  std::vector<std::int64_t> shape;
  std::optional<std::vector<std::int64_t>> scales;
};

TEST(Int8ScalesShape, SelectsEmbeddingsAndKernelsOnly) {
  using Shape = std::vector<std::int64_t>;
  const std::vector<ScalesShapeCase> cases = {
      {"layers.0.embedding.embeddings", {50, 8}, Shape{50}},
      {"layers.3.dense.kernel", {6, 8}, Shape{6}},
      {"layers.3.dense.bias", {6}, std::nullopt},
      {"layers.1.conv1d.kernel", {3, 8, 16}, Shape{1, 1, 16}},
      {"layers.1.conv1d.bias", {16}, std::nullopt},
      {"layers.1.lstm.kernel", {2, 8, 64}, Shape{2, 1, 64}},
      {"layers.1.lstm.recurrent_kernel", {2, 16, 64}, Shape{2, 1, 64}},
      {"layers.1.lstm.bias", {2, 64}, std::nullopt},
      {"layers.1.gru.kernel", {1, 8, 48}, Shape{1, 1, 48}},
      {"layers.1.gru.recurrent_kernel", {1, 16, 48}, Shape{1, 1, 48}},
      {"layers.1.transformer_encoder.query_kernel", {8, 8}, Shape{8}},
      {"layers.1.transformer_encoder.ff1_kernel", {32, 8}, Shape{32}},
      {"layers.1.transformer_encoder.ff2_kernel", {8, 32}, Shape{8}},
      {"layers.1.transformer_encoder.ff1_bias", {32}, std::nullopt},
      {"layers.1.transformer_encoder.attention_norm_gamma", {8}, std::nullopt},
      {"layers.2.layer_normalization.beta", {8}, std::nullopt},
      // A kernel of the wrong rank is not one maas writes, so it stays float.
      {"layers.1.conv1d.kernel", {3, 8}, std::nullopt},
  };
  for (const ScalesShapeCase& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(int8_scales_shape(c.name, c.shape), c.scales);
  }
}

}  // namespace
}  // namespace maas::io
