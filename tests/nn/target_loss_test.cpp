// Losses on a float32 target matrix: multi-label binary cross-entropy and mean squared error.

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/nn/loss.h"
#include "tests/nn/gradient_check.h"

namespace maas::nn {
namespace {

using testing::expect_gradient_matches;
using testing::fill_pattern;

Tensor make_tensor(std::vector<std::int64_t> shape, const std::vector<float>& values) {
  Tensor tensor(std::move(shape));
  std::copy(values.begin(), values.end(), tensor.data<float>());
  return tensor;
}

TEST(SigmoidCrossEntropyPerOutputLoss, MatchesHandValue) {
  // sigmoid(0) = 0.5 with target 1 costs ln 2; sigmoid(ln 3) = 0.75 with target 0 costs
  // -ln 0.25 = 2 ln 2. The mean over the two outputs is 1.5 ln 2.
  SigmoidCrossEntropyPerOutput loss;
  const Tensor logits = make_tensor({1, 2}, {0.0f, std::log(3.0f)});
  const Tensor targets = make_tensor({1, 2}, {1.0f, 0.0f});
  EXPECT_NEAR(loss.forward(logits, targets, nullptr), 1.5 * std::log(2.0), 1e-6);
  // (sigmoid - target) / (outputs * batch): (0.5 - 1) / 2 and (0.75 - 0) / 2.
  const Tensor& grad = loss.backward();
  EXPECT_NEAR(grad.data<float>()[0], -0.25f, 1e-6f);
  EXPECT_NEAR(grad.data<float>()[1], 0.375f, 1e-6f);
}

TEST(SigmoidCrossEntropyPerOutputLoss, ExtremeLogitsStayFinite) {
  SigmoidCrossEntropyPerOutput loss;
  const Tensor logits = make_tensor({1, 4}, {90.0f, -90.0f, 90.0f, -90.0f});
  const Tensor targets = make_tensor({1, 4}, {1.0f, 0.0f, 0.0f, 1.0f});
  // Two right outputs cost about e^-90, two wrong ones 90 each: 180 / 4.
  EXPECT_NEAR(loss.forward(logits, targets, nullptr), 45.0f, 1e-4f);
  const Tensor& grad = loss.backward();
  const std::vector<float> expected = {0.0f, 0.0f, 0.25f, -0.25f};
  for (std::int64_t i = 0; i < 4; ++i) {
    EXPECT_NEAR(grad.data<float>()[i], expected[static_cast<std::size_t>(i)], 1e-6f) << i;
  }
}

TEST(SigmoidCrossEntropyPerOutputLoss, LabelSmoothingMovesTargets) {
  // e = 0.5 moves target 1 to 0.75: at logit 0 the loss is ln 2 whatever the target, and the
  // gradient is (0.5 - 0.75) / 1.
  SigmoidCrossEntropyPerOutput loss(0.5f);
  const Tensor logits = make_tensor({1, 1}, {0.0f});
  const Tensor targets = make_tensor({1, 1}, {1.0f});
  EXPECT_NEAR(loss.forward(logits, targets, nullptr), std::log(2.0), 1e-6);
  EXPECT_NEAR(loss.backward().data<float>()[0], -0.25f, 1e-6f);
}

TEST(MeanSquaredErrorLoss, MatchesHandValue) {
  // Errors -2 and 0: (4 + 0) / 2 = 2. Gradient 2 (x - y) / batch: -2 and 0.
  MeanSquaredError loss;
  const Tensor predictions = make_tensor({2, 1}, {1.0f, 4.0f});
  const Tensor targets = make_tensor({2, 1}, {3.0f, 4.0f});
  EXPECT_NEAR(loss.forward(predictions, targets, nullptr), 2.0f, 1e-6f);
  EXPECT_NEAR(loss.backward().data<float>()[0], -2.0f, 1e-6f);
  EXPECT_EQ(loss.backward().data<float>()[1], 0.0f);

  // Weight 0.5 on the first row: 0.5 * 4 / 2 = 1.
  const std::vector<float> weights = {0.5f, 1.0f};
  EXPECT_NEAR(loss.forward(predictions, targets, weights.data()), 1.0f, 1e-6f);
  EXPECT_NEAR(loss.backward().data<float>()[0], -1.0f, 1e-6f);
}

struct TargetLossCase {
  const char* name;
  const char* activation;
  Task task;
  bool weighted;
};

class TargetLossGradient : public ::testing::TestWithParam<TargetLossCase> {};

TEST_P(TargetLossGradient, MatchesFiniteDifferences) {
  const TargetLossCase& c = GetParam();
  auto loss = make_loss(c.activation, 0.0f, c.task);
  Tensor logits({4, 3});
  fill_pattern(logits, 3.0f, 0.4f);
  Tensor targets({4, 3});
  if (c.task == Task::kMultiLabel) {
    const std::vector<float> bits = {1, 0, 1, 0, 0, 0, 1, 1, 1, 0, 1, 0};
    std::copy(bits.begin(), bits.end(), targets.data<float>());
  } else {
    fill_pattern(targets, 2.0f, 1.3f);
  }
  const std::vector<float> weights = {1.0f, 0.5f, 2.0f, 0.0f};
  const float* weight_data = c.weighted ? weights.data() : nullptr;

  loss->forward(logits, targets, weight_data);
  const Tensor analytic = loss->backward();
  auto value = [&] { return static_cast<double>(loss->forward(logits, targets, weight_data)); };
  expect_gradient_matches(logits, analytic, value, {}, c.name);
}

INSTANTIATE_TEST_SUITE_P(
    EachLoss, TargetLossGradient,
    ::testing::Values(TargetLossCase{"multi_label", "sigmoid", Task::kMultiLabel, false},
                      TargetLossCase{"multi_label_weighted", "sigmoid", Task::kMultiLabel, true},
                      TargetLossCase{"regression", "linear", Task::kRegression, false},
                      TargetLossCase{"regression_weighted", "linear", Task::kRegression, true}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(TargetLoss, RejectsBadTargets) {
  SigmoidCrossEntropyPerOutput bce;
  MeanSquaredError mse;
  const Tensor logits({2, 2});
  const Tensor out_of_range = make_tensor({2, 2}, {0.0f, 1.0f, 2.0f, 0.0f});
  const Tensor not_finite = make_tensor({2, 2}, {0.0f, std::nanf(""), 1.0f, 0.0f});
  EXPECT_THROW(bce.forward(logits, out_of_range, nullptr), InvalidArgument);
  EXPECT_THROW(bce.forward(logits, Tensor({2, 3}), nullptr), InvalidArgument);
  EXPECT_THROW(mse.forward(logits, not_finite, nullptr), InvalidArgument);
  EXPECT_NO_THROW(mse.forward(logits, out_of_range, nullptr));
  const std::int32_t labels[] = {0, 1};
  EXPECT_THROW(mse.forward(logits, labels, nullptr), Unsupported);
  EXPECT_THROW(SoftmaxCrossEntropy().forward(logits, out_of_range, nullptr), Unsupported);
  try {
    bce.forward(logits, out_of_range, nullptr);
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("batch row 1, output 0"), std::string::npos) << message;
  }
}

TEST(MakeLoss, PicksLossFromTask) {
  EXPECT_EQ(make_loss("sigmoid", 0.0f, Task::kMultiLabel)->name(), "sigmoid_cross_entropy_per_output");
  EXPECT_EQ(make_loss("linear", 0.0f, Task::kRegression)->name(), "mean_squared_error");
  EXPECT_THROW(make_loss("softmax", 0.0f, Task::kMultiLabel), Unsupported);
  EXPECT_THROW(make_loss("sigmoid", 0.0f, Task::kRegression), Unsupported);
  EXPECT_THROW(make_loss("linear", 0.1f, Task::kRegression), InvalidArgument);
}

}  // namespace
}  // namespace maas::nn
