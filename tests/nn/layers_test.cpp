// Gradient checks and input checks for each layer on its own.

#include <gtest/gtest.h>

#include <cmath>
#include <ostream>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/nn/dense.h"
#include "core/nn/dropout.h"
#include "core/nn/embedding.h"
#include "core/nn/pooling.h"
#include "tests/nn/gradient_check.h"

namespace maas::nn {
namespace {

using testing::expect_gradient_matches;
using testing::fill_pattern;
using testing::GradientTolerance;
using testing::make_parameters;
using testing::weighted_sum;

Tensor make_ids(std::vector<std::int64_t> shape, const std::vector<std::int32_t>& values) {
  Tensor ids(std::move(shape), DType::kInt32);
  std::copy(values.begin(), values.end(), ids.data<std::int32_t>());
  return ids;
}

TEST(EmbeddingLayer, GradientMatchesFiniteDifferences) {
  Embedding layer(5, 3);
  auto params = make_parameters(layer);
  Rng rng(1);
  layer.initialize(params, rng);
  // Id 2 appears twice, so its row must accumulate two gradients.
  const Tensor ids = make_ids({2, 3}, {2, 0, 4, 1, 2, 3});
  Tensor coefficients({2, 3, 3});
  fill_pattern(coefficients, 1.0f, 0.3f);

  layer.forward(params, ids, ids, true, rng);
  EXPECT_EQ(layer.backward(params, coefficients), nullptr);

  auto loss = [&] { return weighted_sum(layer.forward(params, ids, ids, true, rng), coefficients); };
  expect_gradient_matches(params[0].value, params[0].grad, loss, {}, "embeddings");
}

TEST(EmbeddingLayer, ForwardGathersRows) {
  Embedding layer(4, 2);
  auto params = make_parameters(layer);
  fill_pattern(params[0].value, 1.0f, 0.0f);
  Rng rng;
  const Tensor ids = make_ids({1, 2}, {3, 1});
  const Tensor& y = layer.forward(params, ids, ids, false, rng);
  ASSERT_EQ(y.shape(), (std::vector<std::int64_t>{1, 2, 2}));
  EXPECT_EQ(y.data<float>()[0], params[0].value.data<float>()[6]);
  EXPECT_EQ(y.data<float>()[1], params[0].value.data<float>()[7]);
  EXPECT_EQ(y.data<float>()[2], params[0].value.data<float>()[2]);
  EXPECT_EQ(y.data<float>()[3], params[0].value.data<float>()[3]);
}

TEST(EmbeddingLayer, RejectsOutOfRangeIds) {
  struct Case {
    std::int32_t bad_id;
    std::string expected_id_text;
  };
  const std::vector<Case> cases = {{7, "invalid token id 7"}, {-1, "invalid token id -1"}, {20, "id 20"}};
  Embedding layer(7, 2);
  layer.set_path("layers.0.embedding");
  auto params = make_parameters(layer);
  Rng rng;
  for (const Case& c : cases) {
    const Tensor ids = make_ids({2, 3}, {1, 2, 3, 4, c.bad_id, 6});
    try {
      layer.forward(params, ids, ids, true, rng);
      ADD_FAILURE() << "expected InvalidArgument for id " << c.bad_id;
    } catch (const InvalidArgument& error) {
      const std::string message = error.what();
      EXPECT_NE(message.find(c.expected_id_text), std::string::npos) << message;
      EXPECT_NE(message.find("position [1, 1]"), std::string::npos) << message;
      EXPECT_NE(message.find("input_dim is 7"), std::string::npos) << message;
      EXPECT_NE(message.find("layers.0.embedding"), std::string::npos) << message;
    }
    Tensor y;
    EXPECT_THROW(layer.infer(params, ids, ids, y), InvalidArgument);
  }
}

TEST(EmbeddingLayer, RejectsFloatOrWrongRankInput) {
  Embedding layer(7, 2);
  auto params = make_parameters(layer);
  Rng rng;
  const std::vector<Tensor> inputs = {Tensor({2, 3}), Tensor({6}, DType::kInt32), Tensor({1, 2, 3}, DType::kInt32),
                                      Tensor({0, 3}, DType::kInt32)};
  for (const Tensor& input : inputs) {
    EXPECT_THROW(layer.forward(params, input, input, true, rng), InvalidArgument) << input.shape_string();
  }
}

TEST(EmbeddingLayer, ConstructorRejectsBadSizes) {
  EXPECT_THROW(Embedding(0, 4), InvalidArgument);
  EXPECT_THROW(Embedding(10, 0), InvalidArgument);
  EXPECT_THROW(Embedding(std::int64_t{1} << 32, 4), InvalidArgument);
}

class PoolingGradient : public ::testing::TestWithParam<bool> {};

TEST_P(PoolingGradient, MatchesFiniteDifferences) {
  const bool mask = GetParam();
  GlobalAveragePooling1D layer(mask);
  std::vector<Parameter> params;
  Rng rng;
  // Row 0 is partly padding, row 1 has no padding, row 2 is all padding.
  const Tensor ids = make_ids({3, 4}, {5, 0, 7, 0, 1, 2, 3, 4, 0, 0, 0, 0});
  Tensor x({3, 4, 2});
  fill_pattern(x, 1.0f, 0.1f);
  Tensor coefficients({3, 2});
  fill_pattern(coefficients, 1.0f, 0.7f);

  layer.forward(params, x, ids, true, rng);
  const Tensor analytic = *layer.backward(params, coefficients);

  auto loss = [&] { return weighted_sum(layer.forward(params, x, ids, true, rng), coefficients); };
  expect_gradient_matches(x, analytic, loss, {}, mask ? "masked input" : "unmasked input");
}

INSTANTIATE_TEST_SUITE_P(MaskedAndUnmasked, PoolingGradient, ::testing::Bool());

TEST(PoolingLayer, AllPaddingRowGivesZerosNotNan) {
  GlobalAveragePooling1D layer(true);
  std::vector<Parameter> params;
  Rng rng;
  const Tensor ids = make_ids({2, 2}, {0, 0, 3, 0});
  Tensor x({2, 2, 3});
  fill_pattern(x, 2.0f, 0.0f);
  const Tensor& y = layer.forward(params, x, ids, true, rng);
  for (int j = 0; j < 3; ++j) {
    EXPECT_EQ(y.data<float>()[j], 0.0f) << j;
    // Row 1 has only its first position counted.
    EXPECT_EQ(y.data<float>()[3 + j], x.data<float>()[6 + j]) << j;
  }
  Tensor dy({2, 3});
  dy.fill(1.0f);
  const Tensor& dx = *layer.backward(params, dy);
  for (std::int64_t i = 0; i < dx.numel(); ++i) {
    EXPECT_TRUE(std::isfinite(dx.data<float>()[i])) << i;
  }
}

TEST(PoolingLayer, UnmaskedMeanCountsPadding) {
  GlobalAveragePooling1D layer(false);
  std::vector<Parameter> params;
  Rng rng;
  const Tensor ids = make_ids({1, 2}, {4, 0});
  Tensor x({1, 2, 1});
  x.data<float>()[0] = 3.0f;
  x.data<float>()[1] = 5.0f;
  // (3 + 5) / 2 = 4, the padding position included.
  EXPECT_EQ(layer.forward(params, x, ids, true, rng).data<float>()[0], 4.0f);
}

TEST(PoolingLayer, RejectsMismatchedIds) {
  GlobalAveragePooling1D layer(true);
  layer.set_path("layers.1.global_average_pooling1d");
  std::vector<Parameter> params;
  Rng rng;
  const Tensor x({2, 4, 3});
  const Tensor ids({2, 5}, DType::kInt32);
  try {
    layer.forward(params, x, ids, true, rng);
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("[2, 4]"), std::string::npos) << message;
    EXPECT_NE(message.find("[2, 5]"), std::string::npos) << message;
    EXPECT_NE(message.find("layers.1.global_average_pooling1d"), std::string::npos) << message;
  }
}

struct DenseCase {
  Activation activation;
  const char* name;
};

void PrintTo(const DenseCase& c, std::ostream* out) { *out << c.name; }

class DenseGradient : public ::testing::TestWithParam<DenseCase> {};

TEST_P(DenseGradient, MatchesFiniteDifferences) {
  const DenseCase& c = GetParam();
  Dense layer(4, 3, c.activation);
  auto params = make_parameters(layer);
  fill_pattern(params[0].value, 0.8f, 0.2f);
  fill_pattern(params[1].value, 0.3f, 1.1f);
  Rng rng;
  Tensor x({5, 4});
  fill_pattern(x, 1.0f, 0.5f);
  Tensor coefficients({5, 3});
  fill_pattern(coefficients, 1.0f, 2.3f);
  const Tensor ids({5, 1}, DType::kInt32);

  // relu has a kink at 0: keep every pre-activation further from it than any step moves it.
  GradientTolerance tolerance;
  if (c.activation == Activation::kRelu) {
    tolerance.step = 1e-3f;
    Dense linear(4, 3, Activation::kLinear);
    const Tensor& z = linear.forward(params, x, ids, true, rng);
    for (std::int64_t i = 0; i < z.numel(); ++i) {
      ASSERT_GT(std::abs(z.data<float>()[i]), 0.01f) << "pre-activation " << i << " too close to the kink";
    }
  }

  layer.forward(params, x, ids, true, rng);
  const Tensor dx = *layer.backward(params, coefficients);
  const Tensor dkernel = params[0].grad;
  const Tensor dbias = params[1].grad;

  auto loss = [&] { return weighted_sum(layer.forward(params, x, ids, true, rng), coefficients); };
  expect_gradient_matches(params[0].value, dkernel, loss, tolerance, std::string(c.name) + " kernel");
  expect_gradient_matches(params[1].value, dbias, loss, tolerance, std::string(c.name) + " bias");
  expect_gradient_matches(x, dx, loss, tolerance, std::string(c.name) + " input");
}

INSTANTIATE_TEST_SUITE_P(EachActivation, DenseGradient,
                         ::testing::Values(DenseCase{Activation::kLinear, "linear"}, DenseCase{Activation::kRelu, "relu"},
                                           DenseCase{Activation::kTanh, "tanh"},
                                           DenseCase{Activation::kSigmoid, "sigmoid"},
                                           DenseCase{Activation::kSoftmax, "softmax"}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(DenseLayer, ForwardMatchesHandValues) {
  // kernel [units 2, in 3] = [[1, 2, 3], [-1, 0, 1]], bias [0.5, -0.5], x = [1, 1, 2].
  // z = [1 + 2 + 6 + 0.5, -1 + 0 + 2 - 0.5] = [9.5, 0.5]; relu keeps both.
  Dense layer(3, 2, Activation::kRelu);
  auto params = make_parameters(layer);
  const float kernel[] = {1, 2, 3, -1, 0, 1};
  std::copy(kernel, kernel + 6, params[0].value.data<float>());
  params[1].value.data<float>()[0] = 0.5f;
  params[1].value.data<float>()[1] = -0.5f;
  Tensor x({1, 3});
  x.data<float>()[0] = 1.0f;
  x.data<float>()[1] = 1.0f;
  x.data<float>()[2] = 2.0f;
  Rng rng;
  const Tensor& y = layer.forward(params, x, x, false, rng);
  EXPECT_FLOAT_EQ(y.data<float>()[0], 9.5f);
  EXPECT_FLOAT_EQ(y.data<float>()[1], 0.5f);
}

TEST(DenseLayer, RejectsWrongInputWidth) {
  Dense layer(4, 3, Activation::kLinear);
  layer.set_path("layers.2.dense");
  auto params = make_parameters(layer);
  Rng rng;
  const Tensor x({2, 5});
  try {
    layer.forward(params, x, x, true, rng);
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("layers.2.dense"), std::string::npos) << message;
    EXPECT_NE(message.find("[any, 4]"), std::string::npos) << message;
    EXPECT_NE(message.find("[2, 5]"), std::string::npos) << message;
  }
}

TEST(DenseLayer, BackwardBeforeForwardIsRejected) {
  Dense layer(4, 3, Activation::kLinear);
  auto params = make_parameters(layer);
  EXPECT_THROW(layer.backward(params, Tensor({2, 3})), InvalidArgument);
}

TEST(DropoutLayer, GradientMatchesFiniteDifferencesWithFixedMask) {
  Dropout layer(0.5);
  std::vector<Parameter> params;
  Tensor x({4, 6});
  fill_pattern(x, 1.0f, 0.4f);
  Tensor coefficients({4, 6});
  fill_pattern(coefficients, 1.0f, 1.9f);

  // Reseeding before every forward pass draws the same mask each time.
  auto run = [&]() -> const Tensor& {
    Rng rng(42);
    return layer.forward(params, x, x, true, rng);
  };
  run();
  const Tensor dx = *layer.backward(params, coefficients);
  auto loss = [&] { return weighted_sum(run(), coefficients); };
  expect_gradient_matches(x, dx, loss, {}, "dropout input");
}

TEST(DropoutLayer, MaskKeepsOrZeroesAndScales) {
  Dropout layer(0.25);
  std::vector<Parameter> params;
  Tensor x({1000});
  x.fill(1.0f);
  Rng rng(3);
  const Tensor& y = layer.forward(params, x, x, true, rng);
  int kept_count = 0;
  for (std::int64_t i = 0; i < y.numel(); ++i) {
    const float value = y.data<float>()[i];
    ASSERT_TRUE(value == 0.0f || std::abs(value - 1.0f / 0.75f) < 1e-6f) << value;
    kept_count += value != 0.0f ? 1 : 0;
  }
  // 750 expected; the binomial standard deviation is about 14.
  EXPECT_GT(kept_count, 680);
  EXPECT_LT(kept_count, 820);
}

TEST(DropoutLayer, IdentityOutsideTraining) {
  Dropout layer(0.9);
  std::vector<Parameter> params;
  Tensor x({3, 2});
  fill_pattern(x, 1.0f, 0.0f);
  Rng rng;
  const Tensor& y = layer.forward(params, x, x, false, rng);
  Tensor inferred;
  layer.infer(params, x, x, inferred);
  for (std::int64_t i = 0; i < x.numel(); ++i) {
    EXPECT_EQ(y.data<float>()[i], x.data<float>()[i]);
    EXPECT_EQ(inferred.data<float>()[i], x.data<float>()[i]);
  }
}

TEST(DropoutLayer, ConstructorRejectsBadRate) {
  for (double rate : {-0.1, 1.0, 1.5, std::nan("")}) {
    EXPECT_THROW(Dropout{rate}, InvalidArgument) << rate;
  }
}

}  // namespace
}  // namespace maas::nn
