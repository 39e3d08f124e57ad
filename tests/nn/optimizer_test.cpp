#include "core/nn/optimizer.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "core/common/error.h"

namespace maas::nn {
namespace {

// One parameter "w" of shape [1] with value 1.0.
std::vector<Parameter> single_weight() {
  std::vector<Parameter> params;
  params.push_back({"w", Tensor({1}), Tensor({1})});
  params[0].value.fill(1.0f);
  return params;
}

float run_steps(Optimizer& optimizer, const std::vector<float>& gradients) {
  auto params = single_weight();
  for (float gradient : gradients) {
    params[0].grad.fill(gradient);
    optimizer.step(params);
  }
  return params[0].value.data<float>()[0];
}

struct SgdCase {
  const char* name;
  float momentum;
  bool nesterov;
  float expected;
};

void PrintTo(const SgdCase& c, std::ostream* out) { *out << c.name; }

class SgdSteps : public ::testing::TestWithParam<SgdCase> {};

// lr = 0.1, w = 1, gradients 0.5 then 0.5.
// Plain:    w = 1 - 0.05 - 0.05 = 0.9.
// Momentum: v1 = -0.05, w = 0.95; v2 = 0.9 (-0.05) - 0.05 = -0.095, w = 0.855.
// Nesterov: v1 = -0.05, w = 1 + 0.9 (-0.05) - 0.05 = 0.905;
//           v2 = -0.095, w = 0.905 + 0.9 (-0.095) - 0.05 = 0.7695.
TEST_P(SgdSteps, MatchHandValues) {
  const SgdCase& c = GetParam();
  Sgd optimizer(0.1f, c.momentum, c.nesterov);
  EXPECT_NEAR(run_steps(optimizer, {0.5f, 0.5f}), c.expected, 1e-6f);
  EXPECT_EQ(optimizer.iterations(), 2);
}

INSTANTIATE_TEST_SUITE_P(Variants, SgdSteps,
                         ::testing::Values(SgdCase{"plain", 0.0f, false, 0.9f},
                                           SgdCase{"momentum", 0.9f, false, 0.855f},
                                           SgdCase{"nesterov", 0.9f, true, 0.7695f}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(AdamSteps, MatchHandValues) {
  // lr 0.1, beta_1 0.9, beta_2 0.999, epsilon 1e-7, w = 1.
  // Step 1, g = 0.5: m = 0.05, v = 0.00025, lr_t = 0.1 sqrt(0.001) / 0.1 = 0.0316228,
  //   w = 1 - 0.0316228 * 0.05 / (0.0158114 + 1e-7) = 0.9000006.
  // Step 2, g = -0.25: m = 0.045 - 0.025 = 0.02, v = 0.00024975 + 0.0000625 = 0.00031225,
  //   lr_t = 0.1 sqrt(0.001999) / 0.19 = 0.0235317,
  //   w = 0.9000006 - 0.0235317 * 0.02 / (0.0176706 + 1e-7) = 0.8733671.
  Adam optimizer(0.1f, 0.9f, 0.999f, 1e-7f);
  auto params = single_weight();
  params[0].grad.fill(0.5f);
  optimizer.step(params);
  EXPECT_NEAR(params[0].value.data<float>()[0], 0.9000006f, 1e-6f);
  params[0].grad.fill(-0.25f);
  optimizer.step(params);
  EXPECT_NEAR(params[0].value.data<float>()[0], 0.8733671f, 1e-6f);
}

TEST(AdamState, IsNamedAndShapedLikeParameters) {
  Adam optimizer;
  std::vector<Parameter> params;
  params.push_back({"layers.2.dense.kernel", Tensor({3, 4}), Tensor({3, 4})});
  params.push_back({"layers.2.dense.bias", Tensor({3}), Tensor({3})});
  params[0].grad.fill(1.0f);
  params[1].grad.fill(-1.0f);
  optimizer.step(params);

  const auto& state = optimizer.state();
  ASSERT_EQ(state.size(), 5u);
  EXPECT_EQ(state[0].name, "iterations");
  EXPECT_EQ(state[0].value.data<std::int32_t>()[0], 1);
  EXPECT_EQ(state[1].name, "layers.2.dense.kernel.m");
  EXPECT_EQ(state[2].name, "layers.2.dense.kernel.v");
  EXPECT_EQ(state[3].name, "layers.2.dense.bias.m");
  EXPECT_EQ(state[4].name, "layers.2.dense.bias.v");
  EXPECT_EQ(state[1].value.shape(), (std::vector<std::int64_t>{3, 4}));
  // m = (1 - 0.9) g and v = (1 - 0.999) g^2 after one step from zero.
  EXPECT_NEAR(state[1].value.data<float>()[0], 0.1f, 1e-7f);
  EXPECT_NEAR(state[4].value.data<float>()[2], 0.001f, 1e-7f);
}

TEST(SgdState, HasMomentumOnlyWithMomentum) {
  auto params = single_weight();
  Sgd plain;
  plain.build(params);
  ASSERT_EQ(plain.state().size(), 1u);
  Sgd momentum(0.01f, 0.5f, false);
  momentum.build(params);
  ASSERT_EQ(momentum.state().size(), 2u);
  EXPECT_EQ(momentum.state()[1].name, "w.momentum");
}

TEST(OptimizerState, RestoredStateContinuesTraining) {
  // Two steps in one optimizer equal one step, a state copy into a fresh one, then a step.
  Adam reference(0.1f);
  const float expected = run_steps(reference, {0.5f, -0.25f});

  Adam first(0.1f);
  auto params = single_weight();
  params[0].grad.fill(0.5f);
  first.step(params);

  Adam resumed(0.1f);
  resumed.build(params);
  for (std::size_t i = 0; i < first.state().size(); ++i) {
    resumed.state()[i].value = first.state()[i].value;
  }
  params[0].grad.fill(-0.25f);
  resumed.step(params);
  EXPECT_EQ(params[0].value.data<float>()[0], expected);
}

TEST(OptimizerStep, RejectsMismatchedParameters) {
  Adam optimizer;
  auto params = single_weight();
  optimizer.step(params);

  std::vector<Parameter> renamed = single_weight();
  renamed[0].name = "other";
  EXPECT_THROW(optimizer.step(renamed), InvalidArgument);

  std::vector<Parameter> extra = single_weight();
  extra.push_back({"b", Tensor({1}), Tensor({1})});
  EXPECT_THROW(optimizer.step(extra), InvalidArgument);

  Sgd sgd;
  std::vector<Parameter> bad_grad = single_weight();
  bad_grad[0].grad = Tensor({2});
  EXPECT_THROW(sgd.step(bad_grad), InvalidArgument);
}

TEST(OptimizerConstruction, RejectsBadHyperparameters) {
  EXPECT_THROW(Sgd(0.0f), InvalidArgument);
  EXPECT_THROW(Sgd(-0.1f), InvalidArgument);
  EXPECT_THROW(Sgd(0.1f, 1.0f), InvalidArgument);
  EXPECT_THROW(Sgd(0.1f, -0.5f), InvalidArgument);
  EXPECT_THROW(Adam(0.0f), InvalidArgument);
  EXPECT_THROW(Adam(0.001f, 1.0f), InvalidArgument);
  EXPECT_THROW(Adam(0.001f, 0.9f, 1.5f), InvalidArgument);
  EXPECT_THROW(Adam(0.001f, 0.9f, 0.999f, 0.0f), InvalidArgument);
}

TEST(OptimizerFactories, UseGivenHyperparameters) {
  const auto sgd = make_sgd(0.5f, 0.25f, true);
  EXPECT_EQ(sgd->name(), "sgd");
  EXPECT_EQ(sgd->to_json()["momentum"], 0.25f);
  EXPECT_EQ(sgd->to_json()["nesterov"], true);
  const auto adam = make_adam(0.002f, 0.8f, 0.99f, 1e-6f);
  EXPECT_EQ(adam->name(), "adam");
  EXPECT_EQ(adam->to_json()["beta_1"], 0.8f);
}

TEST(OptimizerDefaults, MatchKeras) {
  const Sgd sgd;
  EXPECT_EQ(sgd.to_json()["learning_rate"], 0.01f);
  EXPECT_EQ(sgd.to_json()["momentum"], 0.0f);
  EXPECT_EQ(sgd.to_json()["nesterov"], false);
  const Adam adam;
  EXPECT_EQ(adam.to_json()["learning_rate"], 0.001f);
  EXPECT_EQ(adam.to_json()["beta_1"], 0.9f);
  EXPECT_EQ(adam.to_json()["beta_2"], 0.999f);
  EXPECT_EQ(adam.to_json()["epsilon"], 1e-7f);
}

}  // namespace
}  // namespace maas::nn
