#include "kernels/losses.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace maas::kernels {
namespace {

TEST(SoftmaxCrossEntropy, MatchesHandValues) {
  // Row 0: logits {0, 0}, label 1: loss ln 2, softmax {0.5, 0.5}.
  // Row 1: logits {ln 3, 0}, label 0: softmax {0.75, 0.25}, loss -ln 0.75.
  const std::vector<float> logits = {0.0f, 0.0f, std::log(3.0f), 0.0f};
  const std::vector<std::int32_t> labels = {1, 0};
  std::vector<float> diff(4);
  const double loss = softmax_cross_entropy(logits.data(), labels.data(), nullptr, 2, 2, diff.data());

  EXPECT_NEAR(loss, (std::log(2.0) - std::log(0.75)) / 2, 1e-6);
  // dlogits = (softmax - onehot) / batch.
  EXPECT_NEAR(diff[0], 0.25f, 1e-6f);
  EXPECT_NEAR(diff[1], -0.25f, 1e-6f);
  EXPECT_NEAR(diff[2], -0.125f, 1e-6f);
  EXPECT_NEAR(diff[3], 0.125f, 1e-6f);
}

TEST(SoftmaxCrossEntropy, WeightsScaleEachExample) {
  const std::vector<float> logits = {0.0f, 0.0f, 0.0f, 0.0f};
  const std::vector<std::int32_t> labels = {0, 1};
  const std::vector<float> weights = {2.0f, 0.0f};
  std::vector<float> diff(4);
  const double loss = softmax_cross_entropy(logits.data(), labels.data(), weights.data(), 2, 2, diff.data());

  // (2 ln 2 + 0) / 2.
  EXPECT_NEAR(loss, std::log(2.0), 1e-6);
  EXPECT_NEAR(diff[0], -0.5f, 1e-6f);
  EXPECT_NEAR(diff[1], 0.5f, 1e-6f);
  EXPECT_EQ(diff[2], 0.0f);
  EXPECT_EQ(diff[3], 0.0f);
}

TEST(SoftmaxCrossEntropy, ExtremeLogitsStayFinite) {
  const std::vector<float> logits = {80.0f, -80.0f, -80.0f, 80.0f, 1e4f, -1e4f};
  const std::vector<std::int32_t> labels = {1, 1, 1};
  std::vector<float> diff(6);
  const double loss = softmax_cross_entropy(logits.data(), labels.data(), nullptr, 3, 2, diff.data());

  // Row 0 loses by 160, row 1 is right, row 2 loses by 2e4: (160 + 0 + 2e4) / 3.
  EXPECT_NEAR(loss, (160.0 + 2e4) / 3.0, 1e-2);
  for (float d : diff) {
    EXPECT_TRUE(std::isfinite(d));
  }
}

TEST(SigmoidBinaryCrossEntropy, MatchesHandValues) {
  // x = 0, y = 1: loss ln 2, grad (0.5 - 1) / 2. x = ln 3 (p = 0.75), y = 0: loss -ln 0.25.
  const std::vector<float> logits = {0.0f, std::log(3.0f)};
  const std::vector<std::int32_t> labels = {1, 0};
  std::vector<float> diff(2);
  const double loss = sigmoid_binary_cross_entropy(logits.data(), labels.data(), nullptr, 2, diff.data());

  EXPECT_NEAR(loss, (std::log(2.0) - std::log(0.25)) / 2, 1e-6);
  EXPECT_NEAR(diff[0], -0.25f, 1e-6f);
  EXPECT_NEAR(diff[1], 0.375f, 1e-6f);
}

TEST(SigmoidBinaryCrossEntropy, ExtremeLogitsStayFinite) {
  const std::vector<float> logits = {80.0f, -80.0f, 80.0f, -80.0f};
  const std::vector<std::int32_t> labels = {1, 0, 0, 1};
  std::vector<float> diff(4);
  const double loss = sigmoid_binary_cross_entropy(logits.data(), labels.data(), nullptr, 4, diff.data());

  // Two confident correct predictions (loss about e^-80) and two wrong by 80 each: 160 / 4.
  EXPECT_NEAR(loss, 40.0, 1e-4);
  EXPECT_NEAR(diff[0], 0.0f, 1e-6f);
  EXPECT_NEAR(diff[1], 0.0f, 1e-6f);
  EXPECT_NEAR(diff[2], 0.25f, 1e-6f);
  EXPECT_NEAR(diff[3], -0.25f, 1e-6f);
}

}  // namespace
}  // namespace maas::kernels
