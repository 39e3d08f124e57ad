// Row-sparse embedding gradients and the lazy and dense optimizer updates of them.

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/nn/embedding.h"
#include "core/nn/optimizer.h"
#include "core/nn/sequential.h"

namespace maas::nn {
namespace {

Tensor make_ids(std::vector<std::int64_t> shape, const std::vector<std::int32_t>& values) {
  Tensor ids(std::move(shape), DType::kInt32);
  std::copy(values.begin(), values.end(), ids.data<std::int32_t>());
  return ids;
}

// A table of 4 rows x 2 with one touched row (row 2, grad 0.5 in both columns).
std::vector<Parameter> table_with_row_two_touched() {
  std::vector<Parameter> params;
  params.emplace_back("embeddings", Tensor({4, 2}), Tensor({4, 2}), true);
  params[0].value.fill(1.0f);
  params[0].grad.data<float>()[4] = 0.5f;
  params[0].grad.data<float>()[5] = 0.5f;
  params[0].grad_rows = {2};
  return params;
}

TEST(EmbeddingSparseGrad, ListsTouchedRowsAndZeroesOldOnes) {
  Embedding layer(6, 2);
  std::vector<Parameter> params;
  params.emplace_back("embeddings", Tensor({6, 2}), Tensor({6, 2}), true);
  Rng rng;
  Tensor dy({1, 3, 2});
  dy.fill(1.0f);

  layer.forward(params, make_ids({1, 3}, {4, 1, 4}), Tensor(), true, rng);
  layer.backward(params, dy);
  EXPECT_EQ(params[0].grad_rows, (std::vector<std::int32_t>{1, 4}));
  EXPECT_EQ(params[0].grad.data<float>()[8], 2.0f);  // row 4 appears twice
  EXPECT_EQ(params[0].grad.data<float>()[2], 1.0f);

  layer.forward(params, make_ids({1, 3}, {5, 0, 5}), Tensor(), true, rng);
  layer.backward(params, dy);
  EXPECT_EQ(params[0].grad_rows, (std::vector<std::int32_t>{0, 5}));
  EXPECT_EQ(params[0].grad.data<float>()[8], 0.0f) << "row 4 from the last batch must be zeroed";
  EXPECT_EQ(params[0].grad.data<float>()[2], 0.0f);
  EXPECT_EQ(params[0].grad.data<float>()[0], 1.0f);
  EXPECT_EQ(params[0].grad.data<float>()[10], 2.0f);
}

TEST(EmbeddingSparseGrad, SkipsPaddingWhenAsked) {
  Embedding layer(6, 2);
  layer.set_skip_padding(true);
  std::vector<Parameter> params;
  params.emplace_back("embeddings", Tensor({6, 2}), Tensor({6, 2}), true);
  Rng rng;
  Tensor dy({1, 3, 2});
  dy.fill(1.0f);
  layer.forward(params, make_ids({1, 3}, {0, 0, 3}), Tensor(), true, rng);
  layer.backward(params, dy);
  EXPECT_EQ(params[0].grad_rows, (std::vector<std::int32_t>{3}));
  EXPECT_EQ(params[0].grad.data<float>()[0], 0.0f);
}

TEST(LazyAdam, UpdatesOnlyTouchedRowsAndKeepsOtherState) {
  // One step with lr 0.1 from zero state: m = 0.05, v = 0.00025 for row 2 and the update is
  // lr_t m / (sqrt(v) + eps) with lr_t = 0.1 sqrt(0.001) / 0.1, which gives w = 0.9000006
  // (the same arithmetic as AdamSteps.MatchHandValues).
  Adam optimizer(0.1f);
  auto params = table_with_row_two_touched();
  optimizer.step(params);
  const float* w = params[0].value.data<float>();
  EXPECT_NEAR(w[4], 0.9000006f, 1e-6f);
  EXPECT_NEAR(w[5], 0.9000006f, 1e-6f);
  for (int i : {0, 1, 2, 3, 6, 7}) EXPECT_EQ(w[i], 1.0f) << i;

  // Second step touches row 0 only. Lazy: row 2's moments stay as they were.
  params[0].grad.fill(0.0f);
  params[0].grad.data<float>()[0] = 0.5f;
  params[0].grad_rows = {0};
  optimizer.step(params);
  EXPECT_NEAR(optimizer.state()[1].value.data<float>()[4], 0.05f, 1e-7f) << "m of row 2 decayed";
  EXPECT_NEAR(optimizer.state()[2].value.data<float>()[4], 0.00025f, 1e-8f) << "v of row 2 decayed";
  EXPECT_NEAR(w[4], 0.9000006f, 1e-6f);
  EXPECT_LT(w[0], 1.0f);
  EXPECT_EQ(w[1], 1.0f) << "a zero grad column still moves nothing in a fresh row";
}

TEST(DenseAdam, DecaysAndMovesUntouchedRowsLikeKeras) {
  Adam optimizer(0.1f);
  optimizer.set_sparse_update(SparseUpdate::kDense);
  auto params = table_with_row_two_touched();
  optimizer.step(params);
  params[0].grad.fill(0.0f);
  params[0].grad_rows.clear();
  optimizer.step(params);
  // m = 0.9 * 0.05 = 0.045 and v = 0.999 * 0.00025 for row 2, which keeps moving.
  EXPECT_NEAR(optimizer.state()[1].value.data<float>()[4], 0.045f, 1e-7f);
  EXPECT_NEAR(optimizer.state()[2].value.data<float>()[4], 0.00024975f, 1e-8f);
  EXPECT_LT(params[0].value.data<float>()[4], 0.9000006f - 1e-3f);
}

TEST(LazySgd, EqualsDenseSgdWithoutMomentum) {
  Sgd lazy(0.1f);
  Sgd dense(0.1f);
  dense.set_sparse_update(SparseUpdate::kDense);
  auto lazy_params = table_with_row_two_touched();
  auto dense_params = table_with_row_two_touched();
  lazy.step(lazy_params);
  dense.step(dense_params);
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(lazy_params[0].value.data<float>()[i], dense_params[0].value.data<float>()[i]) << i;
  }
  EXPECT_FLOAT_EQ(lazy_params[0].value.data<float>()[4], 0.95f);
}

TEST(WeightDecay, IsDecoupledAndScaledByLearningRate) {
  // SGD lr 0.1, weight_decay 0.5, w = 1, g = 0.5: w = 1 - 1 * 0.1 * 0.5 = 0.95, then
  // w = 0.95 - 0.1 * 0.5 = 0.9.
  Sgd optimizer(0.1f);
  optimizer.set_weight_decay(0.5f);
  std::vector<Parameter> params;
  params.emplace_back("w", Tensor({1}), Tensor({1}));
  params[0].value.fill(1.0f);
  params[0].grad.fill(0.5f);
  optimizer.step(params);
  EXPECT_NEAR(params[0].value.data<float>()[0], 0.9f, 1e-7f);

  // Lazy: untouched rows of a sparse table do not decay.
  Sgd lazy(0.1f);
  lazy.set_weight_decay(0.5f);
  auto table = table_with_row_two_touched();
  lazy.step(table);
  EXPECT_EQ(table[0].value.data<float>()[0], 1.0f);
  EXPECT_NEAR(table[0].value.data<float>()[4], 0.9f, 1e-7f);
}

TEST(WeightDecay, RejectsNegativeValue) {
  Adam optimizer;
  EXPECT_THROW(optimizer.set_weight_decay(-0.1f), InvalidArgument);
  EXPECT_THROW(optimizer.set_learning_rate(0.0f), InvalidArgument);
}

TEST(Sequential, CroppedPaddingGivesSameLogitsAndGrads) {
  const auto architecture = nlohmann::json::parse(R"({"layers":[
    {"type":"embedding","input_dim":30,"output_dim":8},
    {"type":"global_average_pooling1d","mask":true},
    {"type":"dense","units":5,"activation":"relu"},
    {"type":"dense","units":3,"activation":"softmax"}]})");
  Sequential full = Sequential::from_json(architecture);
  full.initialize(4);
  Sequential cropped = full;
  ASSERT_TRUE(full.masks_padding());

  const Tensor full_ids = make_ids({2, 6}, {0, 0, 0, 5, 9, 9, 0, 0, 0, 0, 3, 29});
  const Tensor cropped_ids = make_ids({2, 3}, {5, 9, 9, 0, 3, 29});
  const Tensor& full_logits = full.forward(full_ids, true);
  const Tensor& cropped_logits = cropped.forward(cropped_ids, true);
  for (std::int64_t i = 0; i < full_logits.numel(); ++i) {
    EXPECT_EQ(full_logits.data<float>()[i], cropped_logits.data<float>()[i]) << i;
  }
  Tensor dlogits({2, 3});
  dlogits.fill(0.25f);
  full.backward(dlogits);
  cropped.backward(dlogits);
  for (std::size_t p = 0; p < full.parameters().size(); ++p) {
    const Tensor& a = full.parameters()[p].grad;
    const Tensor& b = cropped.parameters()[p].grad;
    for (std::int64_t i = 0; i < a.numel(); ++i) ASSERT_EQ(a.data<float>()[i], b.data<float>()[i]) << p << " " << i;
  }
}

TEST(Sequential, UnmaskedPoolingDoesNotMaskPadding) {
  const auto architecture = nlohmann::json::parse(R"({"layers":[
    {"type":"embedding","input_dim":30,"output_dim":8},
    {"type":"global_average_pooling1d","mask":false},
    {"type":"dense","units":3,"activation":"softmax"}]})");
  EXPECT_FALSE(Sequential::from_json(architecture).masks_padding());
}

}  // namespace
}  // namespace maas::nn
