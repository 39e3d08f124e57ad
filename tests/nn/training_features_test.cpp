// Gradient clipping by global norm and label smoothing, against values worked out by hand.

#include <gtest/gtest.h>

#include <cmath>

#include "core/common/error.h"
#include "core/nn/gradient_clipping.h"
#include "core/nn/loss.h"

namespace maas::nn {
namespace {

TEST(ClipByGlobalNorm, ScalesEveryGradWhenNormIsAbove) {
  // Grads (3, 4) and a sparse table whose only row is (0, 12): norm sqrt(9 + 16 + 144) = 13.
  std::vector<Parameter> params;
  params.emplace_back("a", Tensor({2}), Tensor({2}));
  params[0].grad.data<float>()[0] = 3.0f;
  params[0].grad.data<float>()[1] = 4.0f;
  params.emplace_back("table", Tensor({3, 2}), Tensor({3, 2}), true);
  params[1].grad.data<float>()[5] = 12.0f;
  params[1].grad_rows = {2};

  EXPECT_NEAR(clip_by_global_norm(params, 6.5), 13.0, 1e-12);
  EXPECT_FLOAT_EQ(params[0].grad.data<float>()[0], 1.5f);
  EXPECT_FLOAT_EQ(params[0].grad.data<float>()[1], 2.0f);
  EXPECT_FLOAT_EQ(params[1].grad.data<float>()[5], 6.0f);
}

TEST(ClipByGlobalNorm, LeavesSmallGradsAlone) {
  std::vector<Parameter> params;
  params.emplace_back("a", Tensor({2}), Tensor({2}));
  params[0].grad.data<float>()[0] = 3.0f;
  params[0].grad.data<float>()[1] = 4.0f;
  EXPECT_NEAR(clip_by_global_norm(params, 5.0), 5.0, 1e-12);
  EXPECT_EQ(params[0].grad.data<float>()[0], 3.0f);
  EXPECT_THROW(clip_by_global_norm(params, 0.0), InvalidArgument);
}

TEST(LabelSmoothing, SoftmaxTargetsMixUniform) {
  // Logits (0, 0), label 0, e = 0.2: t = (0.9, 0.1), p = (0.5, 0.5).
  // loss = log 2 - (0.9 * 0 + 0.1 * 0) = 0.693147; grad = p - t = (-0.4, 0.4).
  SoftmaxCrossEntropy loss(0.2f);
  Tensor logits({1, 2});
  const std::int32_t label = 0;
  EXPECT_NEAR(loss.forward(logits, &label, nullptr), std::log(2.0f), 1e-6f);
  EXPECT_NEAR(loss.backward().data<float>()[0], -0.4f, 1e-6f);
  EXPECT_NEAR(loss.backward().data<float>()[1], 0.4f, 1e-6f);
}

TEST(LabelSmoothing, SoftmaxLossUsesWholeTarget) {
  // Logits (2, 0), label 1, e = 0.5: t = (0.25, 0.75).
  // logsumexp = 2 + log(1 + e^-2) = 2.126928; loss = 2.126928 - 0.25 * 2 = 1.626928.
  SoftmaxCrossEntropy loss(0.5f);
  Tensor logits({1, 2});
  logits.data<float>()[0] = 2.0f;
  const std::int32_t label = 1;
  EXPECT_NEAR(loss.forward(logits, &label, nullptr), 1.626928f, 1e-5f);
}

TEST(LabelSmoothing, SigmoidMovesTargetsTowardHalf) {
  // Logit 0, label 1, e = 0.2: y' = 0.9; loss = log 2 - 0 = 0.693147; grad = 0.5 - 0.9 = -0.4.
  SigmoidBinaryCrossEntropy loss(0.2f);
  Tensor logits({1, 1});
  const std::int32_t label = 1;
  EXPECT_NEAR(loss.forward(logits, &label, nullptr), std::log(2.0f), 1e-6f);
  EXPECT_NEAR(loss.backward().data<float>()[0], -0.4f, 1e-6f);
}

TEST(LabelSmoothing, RejectsOutOfRange) {
  EXPECT_THROW(SoftmaxCrossEntropy(1.0f), InvalidArgument);
  EXPECT_THROW(SigmoidBinaryCrossEntropy(-0.1f), InvalidArgument);
  EXPECT_THROW(make_loss("softmax", 1.5f), InvalidArgument);
}

}  // namespace
}  // namespace maas::nn
