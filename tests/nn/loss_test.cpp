#include "core/nn/loss.h"

#include <gtest/gtest.h>

#include <cmath>
#include <ostream>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "tests/nn/gradient_check.h"

namespace maas::nn {
namespace {

using testing::expect_gradient_matches;
using testing::fill_pattern;

Tensor make_logits(std::vector<std::int64_t> shape, const std::vector<float>& values) {
  Tensor logits(std::move(shape));
  std::copy(values.begin(), values.end(), logits.data<float>());
  return logits;
}

struct LossCase {
  const char* name;
  const char* activation;
  std::int64_t classes;
  bool weighted;
};

void PrintTo(const LossCase& c, std::ostream* out) { *out << c.name; }

class LossGradient : public ::testing::TestWithParam<LossCase> {};

TEST_P(LossGradient, MatchesFiniteDifferences) {
  const LossCase& c = GetParam();
  auto loss = make_loss(c.activation);
  Tensor logits({4, c.classes});
  fill_pattern(logits, 3.0f, 0.9f);
  const std::vector<std::int32_t> labels =
      c.classes == 1 ? std::vector<std::int32_t>{1, 0, 0, 1} : std::vector<std::int32_t>{0, 2, 1, 2};
  const std::vector<float> weights = {1.0f, 0.5f, 2.0f, 0.0f};
  const float* weight_data = c.weighted ? weights.data() : nullptr;

  loss->forward(logits, labels.data(), weight_data);
  const Tensor analytic = loss->backward();

  auto value = [&] { return static_cast<double>(loss->forward(logits, labels.data(), weight_data)); };
  expect_gradient_matches(logits, analytic, value, {}, c.name);
}

INSTANTIATE_TEST_SUITE_P(EachLoss, LossGradient,
                         ::testing::Values(LossCase{"softmax", "softmax", 3, false},
                                           LossCase{"softmax_weighted", "softmax", 3, true},
                                           LossCase{"sigmoid", "sigmoid", 1, false},
                                           LossCase{"sigmoid_weighted", "sigmoid", 1, true}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(SoftmaxCrossEntropyLoss, MatchesHandValue) {
  // Logits {ln 1, ln 2, ln 5}: softmax {0.125, 0.25, 0.625}; label 2 gives -ln 0.625.
  SoftmaxCrossEntropy loss;
  const Tensor logits = make_logits({1, 3}, {0.0f, std::log(2.0f), std::log(5.0f)});
  const std::int32_t label = 2;
  EXPECT_NEAR(loss.forward(logits, &label, nullptr), -std::log(0.625), 1e-6);
  const Tensor& grad = loss.backward();
  EXPECT_NEAR(grad.data<float>()[0], 0.125f, 1e-6f);
  EXPECT_NEAR(grad.data<float>()[1], 0.25f, 1e-6f);
  EXPECT_NEAR(grad.data<float>()[2], -0.375f, 1e-6f);
}

TEST(SoftmaxCrossEntropyLoss, ExtremeLogitsGiveFiniteValues) {
  SoftmaxCrossEntropy loss;
  const Tensor logits = make_logits({2, 3}, {80.0f, -80.0f, 0.0f, -80.0f, 80.0f, 80.0f});
  const std::vector<std::int32_t> labels = {1, 2};
  const float value = loss.forward(logits, labels.data(), nullptr);
  // Row 0: logsumexp = 80 (to float precision), minus -80 = 160. Row 1: ln 2.
  EXPECT_NEAR(value, (160.0 + std::log(2.0)) / 2.0, 1e-3);
  const Tensor& grad = loss.backward();
  for (std::int64_t i = 0; i < grad.numel(); ++i) {
    EXPECT_TRUE(std::isfinite(grad.data<float>()[i])) << i;
  }
  EXPECT_NEAR(grad.data<float>()[0], 0.5f, 1e-6f);
  EXPECT_NEAR(grad.data<float>()[1], -0.5f, 1e-6f);
}

TEST(SigmoidBinaryCrossEntropyLoss, ExtremeLogitsGiveFiniteValues) {
  SigmoidBinaryCrossEntropy loss;
  const Tensor logits = make_logits({4, 1}, {80.0f, -80.0f, 80.0f, -80.0f});
  const std::vector<std::int32_t> labels = {1, 0, 0, 1};
  // Correct predictions cost about e^-80, wrong ones 80 each: (80 + 80) / 4 = 40.
  EXPECT_NEAR(loss.forward(logits, labels.data(), nullptr), 40.0f, 1e-4f);
  const Tensor& grad = loss.backward();
  const std::vector<float> expected = {0.0f, 0.0f, 0.25f, -0.25f};
  for (std::int64_t i = 0; i < 4; ++i) {
    EXPECT_NEAR(grad.data<float>()[i], expected[i], 1e-6f) << i;
  }
}

TEST(Loss, RejectsBadLabelsShapesAndWeights) {
  SoftmaxCrossEntropy softmax;
  SigmoidBinaryCrossEntropy sigmoid;
  const Tensor three_classes({2, 3});
  const Tensor one_output({2, 1});
  const std::vector<std::int32_t> valid = {0, 1};
  const std::vector<std::int32_t> too_large = {0, 3};
  const std::vector<std::int32_t> negative = {-1, 0};
  const std::vector<std::int32_t> not_binary = {0, 2};
  const std::vector<float> negative_weight = {1.0f, -1.0f};
  const std::vector<float> nan_weight = {std::nanf(""), 1.0f};

  EXPECT_THROW(softmax.forward(three_classes, too_large.data(), nullptr), InvalidArgument);
  EXPECT_THROW(softmax.forward(three_classes, negative.data(), nullptr), InvalidArgument);
  EXPECT_THROW(softmax.forward(three_classes, nullptr, nullptr), InvalidArgument);
  EXPECT_THROW(softmax.forward(one_output, valid.data(), nullptr), InvalidArgument);
  EXPECT_THROW(softmax.forward(Tensor({2, 3}, DType::kInt32), valid.data(), nullptr), InvalidArgument);
  EXPECT_THROW(softmax.forward(three_classes, valid.data(), negative_weight.data()), InvalidArgument);
  EXPECT_THROW(softmax.forward(three_classes, valid.data(), nan_weight.data()), InvalidArgument);
  EXPECT_THROW(sigmoid.forward(one_output, not_binary.data(), nullptr), InvalidArgument);
  EXPECT_THROW(sigmoid.forward(three_classes, valid.data(), nullptr), InvalidArgument);
  EXPECT_NO_THROW(softmax.forward(three_classes, valid.data(), nullptr));
  EXPECT_NO_THROW(sigmoid.forward(one_output, valid.data(), nullptr));
}

TEST(Loss, LabelErrorNamesValueRowAndRange) {
  SoftmaxCrossEntropy loss;
  const std::vector<std::int32_t> labels = {0, 9};
  try {
    loss.forward(Tensor({2, 3}), labels.data(), nullptr);
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("invalid label 9"), std::string::npos) << message;
    EXPECT_NE(message.find("batch row 1"), std::string::npos) << message;
    EXPECT_NE(message.find("[0, 3)"), std::string::npos) << message;
  }
}

TEST(Loss, BackwardBeforeForwardIsRejected) {
  SoftmaxCrossEntropy loss;
  EXPECT_THROW(loss.backward(), InvalidArgument);
}

TEST(MakeLoss, PicksLossFromOutputActivation) {
  EXPECT_EQ(make_loss("softmax")->name(), "softmax_cross_entropy");
  EXPECT_EQ(make_loss("sigmoid")->name(), "sigmoid_binary_cross_entropy");
  for (const char* activation : {"linear", "relu", ""}) {
    EXPECT_THROW(make_loss(activation), Unsupported) << activation;
  }
}

}  // namespace
}  // namespace maas::nn
