#include "core/io/quantize.h"

#include <cmath>
#include <limits>

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
  const Tensor restored = dequantize_rows(quantized);
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

TEST(QuantizeRows, SelectsEmbeddingsAndKernelsOnly) {
  EXPECT_TRUE(is_quantized_parameter("layers.0.embedding.embeddings"));
  EXPECT_TRUE(is_quantized_parameter("layers.3.dense.kernel"));
  EXPECT_FALSE(is_quantized_parameter("layers.3.dense.bias"));
}

}  // namespace
}  // namespace maas::io
