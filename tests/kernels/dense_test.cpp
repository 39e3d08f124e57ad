#include "kernels/dense.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <thread>
#include <vector>

namespace maas::kernels {
namespace {

std::vector<float> pattern(std::size_t count, float scale) {
  std::vector<float> values(count);
  for (std::size_t i = 0; i < count; ++i) {
    values[i] = std::sin(static_cast<float>(i) * 0.7f + scale) * scale;
  }
  return values;
}

// Naive affine map: dst[b, o] = sum_i src[b, i] * weights[o, i] + bias[o].
std::vector<float> naive_affine(const DenseShape& shape, const std::vector<float>& src,
                                const std::vector<float>& weights, const std::vector<float>& bias) {
  std::vector<float> dst(shape.batch * shape.out);
  for (std::int64_t b = 0; b < shape.batch; ++b) {
    for (std::int64_t o = 0; o < shape.out; ++o) {
      double sum = bias[o];
      for (std::int64_t i = 0; i < shape.in; ++i) {
        sum += static_cast<double>(src[b * shape.in + i]) * weights[o * shape.in + i];
      }
      dst[b * shape.out + o] = static_cast<float>(sum);
    }
  }
  return dst;
}

TEST(DenseForward, MatchesNaiveLoopForEachActivation) {
  struct Case {
    Activation activation;
    float (*apply)(float);
  };
  const std::vector<Case> cases = {
      {Activation::kLinear, [](float x) { return x; }},
      {Activation::kRelu, [](float x) { return x > 0 ? x : 0.0f; }},
      {Activation::kTanh, [](float x) { return std::tanh(x); }},
      {Activation::kSigmoid, [](float x) { return 1.0f / (1.0f + std::exp(-x)); }},
  };
  for (const Case& c : cases) {
    for (bool training : {true, false}) {
      const DenseShape shape{5, 7, 3, c.activation};
      const auto src = pattern(shape.batch * shape.in, 1.0f);
      const auto weights = pattern(shape.out * shape.in, 0.5f);
      const auto bias = pattern(shape.out, 0.3f);
      std::vector<float> dst(shape.batch * shape.out);

      dense_forward(shape, src.data(), weights.data(), bias.data(), dst.data(), training);

      const auto expected = naive_affine(shape, src, weights, bias);
      for (std::size_t i = 0; i < dst.size(); ++i) {
        EXPECT_NEAR(dst[i], c.apply(expected[i]), 1e-5f)
            << "activation " << static_cast<int>(c.activation) << " training " << training << " index " << i;
      }
    }
  }
}

TEST(DenseForward, SoftmaxRowsSumToOne) {
  const DenseShape shape{4, 6, 5, Activation::kSoftmax};
  const auto src = pattern(shape.batch * shape.in, 2.0f);
  const auto weights = pattern(shape.out * shape.in, 1.0f);
  const auto bias = pattern(shape.out, 0.1f);
  std::vector<float> dst(shape.batch * shape.out);
  dense_forward(shape, src.data(), weights.data(), bias.data(), dst.data(), false);

  const auto logits = naive_affine(shape, src, weights, bias);
  for (std::int64_t b = 0; b < shape.batch; ++b) {
    double sum = 0.0;
    double exp_sum = 0.0;
    for (std::int64_t o = 0; o < shape.out; ++o) {
      exp_sum += std::exp(static_cast<double>(logits[b * shape.out + o]));
    }
    for (std::int64_t o = 0; o < shape.out; ++o) {
      sum += dst[b * shape.out + o];
      EXPECT_NEAR(dst[b * shape.out + o], std::exp(logits[b * shape.out + o]) / exp_sum, 1e-5);
    }
    EXPECT_NEAR(sum, 1.0, 1e-5);
  }
}

TEST(DenseBackward, MatchesNaiveLoops) {
  const DenseShape shape{3, 4, 2, Activation::kLinear};
  const auto src = pattern(shape.batch * shape.in, 1.0f);
  const auto weights = pattern(shape.out * shape.in, 0.5f);
  const auto diff_pre = pattern(shape.batch * shape.out, 2.0f);
  std::vector<float> diff_src(shape.batch * shape.in);
  std::vector<float> diff_weights(shape.out * shape.in);
  std::vector<float> diff_bias(shape.out);

  dense_backward_data(shape, diff_pre.data(), weights.data(), diff_src.data());
  dense_backward_weights(shape, src.data(), diff_pre.data(), diff_weights.data(), diff_bias.data());

  for (std::int64_t b = 0; b < shape.batch; ++b) {
    for (std::int64_t i = 0; i < shape.in; ++i) {
      double sum = 0.0;
      for (std::int64_t o = 0; o < shape.out; ++o) {
        sum += diff_pre[b * shape.out + o] * weights[o * shape.in + i];
      }
      EXPECT_NEAR(diff_src[b * shape.in + i], sum, 1e-5);
    }
  }
  for (std::int64_t o = 0; o < shape.out; ++o) {
    double bias_sum = 0.0;
    for (std::int64_t b = 0; b < shape.batch; ++b) {
      bias_sum += diff_pre[b * shape.out + o];
    }
    EXPECT_NEAR(diff_bias[o], bias_sum, 1e-5);
    for (std::int64_t i = 0; i < shape.in; ++i) {
      double sum = 0.0;
      for (std::int64_t b = 0; b < shape.batch; ++b) {
        sum += diff_pre[b * shape.out + o] * src[b * shape.in + i];
      }
      EXPECT_NEAR(diff_weights[o * shape.in + i], sum, 1e-5);
    }
  }
}

TEST(DensePrimitiveCache, ReturnsSamePrimitiveForSameShape) {
  const DenseShape shape{11, 13, 17, Activation::kRelu};
  const void* first = dense_primitive_id(shape, DensePass::kForwardTraining);
  const std::size_t size = dense_primitive_cache_size();
  const void* second = dense_primitive_id(shape, DensePass::kForwardTraining);
  EXPECT_EQ(first, second);
  EXPECT_EQ(dense_primitive_cache_size(), size);
}

TEST(DensePrimitiveCache, SeparatesShapesPassesAndActivations) {
  const DenseShape shape{11, 13, 19, Activation::kRelu};
  DenseShape other_batch = shape;
  other_batch.batch = 12;
  DenseShape other_activation = shape;
  other_activation.activation = Activation::kTanh;

  const void* forward = dense_primitive_id(shape, DensePass::kForwardTraining);
  EXPECT_NE(forward, dense_primitive_id(shape, DensePass::kForwardInference));
  EXPECT_NE(forward, dense_primitive_id(other_batch, DensePass::kForwardTraining));
  EXPECT_NE(forward, dense_primitive_id(other_activation, DensePass::kForwardTraining));
  // Backward passes ignore the activation, which the caller applies itself.
  EXPECT_EQ(dense_primitive_id(shape, DensePass::kBackwardData),
            dense_primitive_id(other_activation, DensePass::kBackwardData));
}

TEST(DensePrimitiveCache, RejectsEmptyShape) {
  EXPECT_THROW(dense_primitive_id(DenseShape{0, 3, 2}, DensePass::kForwardInference),
               std::invalid_argument);
}

TEST(DenseForward, ConcurrentInferenceMatchesSerial) {
  const DenseShape shape{8, 64, 32, Activation::kTanh};
  const auto src = pattern(shape.batch * shape.in, 1.0f);
  const auto weights = pattern(shape.out * shape.in, 0.2f);
  const auto bias = pattern(shape.out, 0.1f);
  std::vector<float> serial(shape.batch * shape.out);
  dense_forward(shape, src.data(), weights.data(), bias.data(), serial.data(), false);

  std::vector<std::vector<float>> results(4, std::vector<float>(serial.size()));
  std::vector<std::thread> threads;
  for (auto& result : results) {
    threads.emplace_back([&, out = result.data()] {
      for (int repeat = 0; repeat < 50; ++repeat) {
        dense_forward(shape, src.data(), weights.data(), bias.data(), out, false);
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  for (const auto& result : results) {
    EXPECT_EQ(result, serial);
  }
}

}  // namespace
}  // namespace maas::kernels
