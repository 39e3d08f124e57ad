// conv1d, max pooling, layer normalization and RNN kernels: hand-computed values, layouts and
// primitive reuse.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "kernels/conv1d.h"
#include "kernels/layer_norm.h"
#include "kernels/max_pooling.h"
#include "kernels/rnn.h"

namespace maas::kernels {
namespace {

TEST(Conv1dKernel, WeightsUseKerasLayout) {
  // in = 2, filters = 2, kernel = 2, valid. weights [k, c, f]: w[0][0][0] = 1 and w[1][1][1] = 10,
  // every other weight 0. Filter 0 reads channel 0 at offset 0; filter 1 channel 1 at offset 1.
  const Conv1dShape shape{1, 3, 2, 2, 2, 0, 0, Activation::kLinear};
  std::vector<float> weights(8, 0.0f);
  weights[0 * 4 + 0 * 2 + 0] = 1.0f;
  weights[1 * 4 + 1 * 2 + 1] = 10.0f;
  const std::vector<float> bias = {0.0f, 0.5f};
  const std::vector<float> src = {1, 2, 3, 4, 5, 6};  // [t][c]: t0 (1, 2), t1 (3, 4), t2 (5, 6)
  std::vector<float> dst(4, -1.0f);
  conv1d_forward(shape, src.data(), weights.data(), bias.data(), dst.data(), false);
  // t0: filter 0 = x[0][0] = 1, filter 1 = 10 x[1][1] + 0.5 = 40.5; t1: 3 and 60.5.
  EXPECT_EQ(dst, (std::vector<float>{1.0f, 40.5f, 3.0f, 60.5f}));
}

TEST(Conv1dKernel, PrimitiveIsCreatedOncePerShape) {
  const Conv1dShape shape{4, 9, 3, 5, 3, 1, 1, Activation::kRelu};
  const void* first = conv1d_primitive_id(shape, Conv1dPass::kForwardTraining);
  const std::size_t size = conv1d_primitive_cache_size();
  EXPECT_EQ(conv1d_primitive_id(shape, Conv1dPass::kForwardTraining), first);
  EXPECT_EQ(conv1d_primitive_cache_size(), size);
  Conv1dShape longer = shape;
  longer.seq = 10;
  EXPECT_NE(conv1d_primitive_id(longer, Conv1dPass::kForwardTraining), first);
  EXPECT_EQ(conv1d_primitive_cache_size(), size + 1);
}

TEST(Conv1dKernel, RejectsInvalidShapes) {
  const std::vector<Conv1dShape> shapes = {
      {0, 4, 2, 2, 2, 0, 0, Activation::kLinear},
      {1, 2, 2, 2, 3, 0, 0, Activation::kLinear},  // valid output length 0
      {1, 4, 2, 2, 2, 0, 0, Activation::kSoftmax},
  };
  for (const Conv1dShape& shape : shapes) {
    EXPECT_THROW(conv1d_primitive_id(shape, Conv1dPass::kForwardInference), std::invalid_argument);
  }
}

TEST(MaxPoolKernel, FirstMaximumWinsTies) {
  const std::vector<float> src = {2, 1, 2, 3};  // [1, 2, 2]: feature 0 ties at 2
  std::vector<float> dst(2);
  std::vector<std::int32_t> argmax(2);
  max_pool_forward(src.data(), nullptr, 1, 2, 2, dst.data(), argmax.data());
  EXPECT_EQ(dst, (std::vector<float>{2, 3}));
  EXPECT_EQ(argmax, (std::vector<std::int32_t>{0, 1}));
}

TEST(LayerNormKernel, GradientsOfConstantRowAreZeroForBeta) {
  // Row {2, 2}: variance 0, so xhat = 0 and dgamma = 0 while dbeta sums dy.
  const std::vector<float> src = {2, 2};
  const std::vector<float> gamma = {1, 1};
  const std::vector<float> beta = {0.5f, -0.5f};
  std::vector<float> dst(2), mean(1), rstd(1);
  layer_norm_forward(src.data(), gamma.data(), beta.data(), 1, 2, 1e-3f, dst.data(), mean.data(), rstd.data());
  EXPECT_EQ(dst, beta);
  EXPECT_EQ(mean[0], 2.0f);
  const std::vector<float> dy = {1, 3};
  std::vector<float> dx(2), dgamma(2), dbeta(2);
  layer_norm_backward(src.data(), dy.data(), gamma.data(), mean.data(), rstd.data(), 1, 2, dx.data(), dgamma.data(),
                      dbeta.data());
  EXPECT_EQ(dgamma, (std::vector<float>{0, 0}));
  EXPECT_EQ(dbeta, dy);
  // dx = rstd (g - mean(g)) = rstd * (-1, 1).
  EXPECT_NEAR(dx[0], -rstd[0], 1e-3f);
  EXPECT_NEAR(dx[1], rstd[0], 1e-3f);
}

TEST(RnnKernel, TransposeWeightsSwapsLastTwoAxes) {
  const std::vector<float> src = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};  // [2][2][3]
  std::vector<float> dst(12);
  rnn_transpose_weights(src.data(), 2, 2, 3, dst.data());
  EXPECT_EQ(dst, (std::vector<float>{1, 4, 2, 5, 3, 6, 7, 10, 8, 11, 9, 12}));
}

TEST(RnnKernel, GruStepMatchesHandComputedValue) {
  // One unit, one input, one position, h_0 = 0, input weights 1 for every gate and bias 0:
  // u = sigmoid(x), r = sigmoid(x), candidate o = tanh(x + r * 0) = tanh(x), h = (1 - u) o.
  const RnnShape shape{1, 1, 1, 1, RnnCell::kGru, false};
  const std::vector<float> weights_layer = {1, 1, 1};
  const std::vector<float> weights_iter = {0, 0, 0};
  const std::vector<float> bias = {0, 0, 0, 0};
  const std::vector<float> zero = {0};
  const std::vector<float> src = {0.5f};
  std::vector<float> dst_layer(1), dst_iter(1);
  RnnForwardArgs args;
  args.src = src.data();
  args.weights_layer = weights_layer.data();
  args.weights_iter = weights_iter.data();
  args.bias = bias.data();
  args.zero_state = zero.data();
  args.dst_layer = dst_layer.data();
  args.dst_iter = dst_iter.data();
  rnn_forward(shape, args, false);
  const double u = 1.0 / (1.0 + std::exp(-0.5));
  EXPECT_NEAR(dst_iter[0], (1.0 - u) * std::tanh(0.5), 1e-6);
  EXPECT_EQ(dst_layer[0], dst_iter[0]);
}

}  // namespace
}  // namespace maas::kernels
