// Gradient checks, shapes and input checks for conv1d, global_max_pooling1d,
// layer_normalization, lstm, gru and transformer_encoder, and their architecture JSON.

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/nn/conv1d.h"
#include "core/nn/layer_normalization.h"
#include "core/nn/max_pooling.h"
#include "core/nn/recurrent.h"
#include "core/nn/sequential.h"
#include "core/nn/transformer_encoder.h"
#include "tests/nn/gradient_check.h"

namespace maas::nn {
namespace {

using nlohmann::json;
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

// Checks the parameter and input gradients of `layer` for the loss sum(c * layer(x)).
void check_layer_gradients(Layer& layer, std::vector<Parameter>& params, Tensor& x, const Tensor& ids,
                           const GradientTolerance& tolerance, const std::string& label) {
  Rng rng(3);
  const Tensor& first = layer.forward(params, x, ids, true, rng);
  Tensor coefficients(first.shape());
  fill_pattern(coefficients, 1.0f, 0.7f);
  const Tensor* input_grad = layer.backward(params, coefficients);
  ASSERT_NE(input_grad, nullptr) << label;
  const Tensor analytic_input = *input_grad;
  std::vector<Tensor> analytic;
  for (const Parameter& param : params) {
    analytic.push_back(param.grad);
  }

  auto loss = [&] { return weighted_sum(layer.forward(params, x, ids, true, rng), coefficients); };
  for (std::size_t p = 0; p < params.size(); ++p) {
    expect_gradient_matches(params[p].value, analytic[p], loss, tolerance, label + " " + params[p].name);
  }
  expect_gradient_matches(x, analytic_input, loss, tolerance, label + " input");
}

struct ConvCase {
  const char* name;
  std::int64_t kernel_size;
  ConvPadding padding;
  Activation activation;
  std::int64_t expected_length;  // for an input of 5 positions
};

TEST(Conv1DLayer, GradientMatchesFiniteDifferences) {
  const std::vector<ConvCase> cases = {
      {"same k3 tanh", 3, ConvPadding::kSame, Activation::kTanh, 5},
      {"same k4 linear", 4, ConvPadding::kSame, Activation::kLinear, 5},  // one more pad on the right
      {"valid k2 sigmoid", 2, ConvPadding::kValid, Activation::kSigmoid, 4},
      {"valid k5 linear", 5, ConvPadding::kValid, Activation::kLinear, 1},
      {"same k1 tanh", 1, ConvPadding::kSame, Activation::kTanh, 5},
  };
  for (const ConvCase& c : cases) {
    Conv1D layer(3, 4, c.kernel_size, c.activation, c.padding);
    auto params = make_parameters(layer);
    fill_pattern(params[0].value, 0.6f, 0.1f);
    fill_pattern(params[1].value, 0.3f, 1.3f);
    Tensor x({2, 5, 3});
    fill_pattern(x, 1.0f, 0.4f);
    const Tensor ids({2, 5}, DType::kInt32);
    Rng rng;
    EXPECT_EQ(layer.forward(params, x, ids, true, rng).shape(), (std::vector<std::int64_t>{2, c.expected_length, 4}))
        << c.name;
    check_layer_gradients(layer, params, x, ids, {1e-2f, 2e-3, 1e-2}, c.name);
  }
}

TEST(Conv1DLayer, ForwardMatchesHandComputedValues) {
  // One input channel, one filter, kernel [1, 2, 3], bias 0.5, input [1, 2, 3, 4].
  // same (pad 1 left, 1 right): [0*1 + 1*2 + 2*3, 1 + 4 + 9, 2 + 6 + 12, 3 + 8 + 0] + 0.5.
  Conv1D same(1, 1, 3, Activation::kLinear, ConvPadding::kSame);
  auto params = make_parameters(same);
  params[0].value.data<float>()[0] = 1;
  params[0].value.data<float>()[1] = 2;
  params[0].value.data<float>()[2] = 3;
  params[1].value.data<float>()[0] = 0.5f;
  Tensor x({1, 4, 1});
  for (int i = 0; i < 4; ++i) x.data<float>()[i] = static_cast<float>(i + 1);
  const Tensor ids({1, 4}, DType::kInt32);
  Tensor y;
  same.infer(params, x, ids, y);
  ASSERT_EQ(y.shape(), (std::vector<std::int64_t>{1, 4, 1}));
  const std::vector<float> expected_same = {8.5f, 14.5f, 20.5f, 11.5f};
  for (int i = 0; i < 4; ++i) EXPECT_FLOAT_EQ(y.data<float>()[i], expected_same[i]) << i;

  // valid: [1 + 4 + 9, 2 + 6 + 12] + 0.5.
  Conv1D valid(1, 1, 3, Activation::kLinear, ConvPadding::kValid);
  valid.infer(params, x, ids, y);
  ASSERT_EQ(y.shape(), (std::vector<std::int64_t>{1, 2, 1}));
  EXPECT_FLOAT_EQ(y.data<float>()[0], 14.5f);
  EXPECT_FLOAT_EQ(y.data<float>()[1], 20.5f);
}

TEST(Conv1DLayer, InferMatchesTrainingForward) {
  Conv1D layer(4, 6, 3, Activation::kRelu, ConvPadding::kSame);
  auto params = make_parameters(layer);
  Rng rng(5);
  layer.initialize(params, rng);
  Tensor x({3, 7, 4});
  fill_pattern(x, 1.0f, 0.2f);
  const Tensor ids({3, 7}, DType::kInt32);
  const Tensor trained = layer.forward(params, x, ids, true, rng);
  Tensor inferred;
  layer.infer(params, x, ids, inferred);
  ASSERT_EQ(inferred.shape(), trained.shape());
  for (std::int64_t i = 0; i < trained.numel(); ++i) {
    EXPECT_NEAR(inferred.data<float>()[i], trained.data<float>()[i], 1e-5f) << i;
  }
}

TEST(Conv1DLayer, RejectsBadInputs) {
  Conv1D layer(3, 2, 4, Activation::kLinear, ConvPadding::kValid);
  layer.set_path("layers.1.conv1d");
  auto params = make_parameters(layer);
  Rng rng;
  struct Case {
    std::vector<std::int64_t> shape;
    std::string expected_text;
  };
  const std::vector<Case> cases = {
      {{2, 5, 2}, "expected float32 shape [any, any, 3]"},
      {{2, 15}, "got float32 shape [2, 15]"},
      {{2, 3, 3}, "invalid input of 3 positions: padding valid needs at least kernel_size = 4"},
  };
  for (const Case& c : cases) {
    const Tensor x(c.shape);
    const Tensor ids({c.shape[0], c.shape.size() > 1 ? c.shape[1] : 1}, DType::kInt32);
    try {
      layer.forward(params, x, ids, true, rng);
      ADD_FAILURE() << "expected InvalidArgument for shape " << x.shape_string();
    } catch (const InvalidArgument& error) {
      const std::string message = error.what();
      EXPECT_NE(message.find(c.expected_text), std::string::npos) << message;
      EXPECT_NE(message.find("layers.1.conv1d"), std::string::npos) << message;
    }
  }
  EXPECT_THROW(layer.backward(params, Tensor({1, 1, 2})), InvalidArgument);
  EXPECT_THROW(Conv1D(3, 2, 0, Activation::kLinear, ConvPadding::kSame), InvalidArgument);
  EXPECT_THROW(Conv1D(3, 2, 2, Activation::kSoftmax, ConvPadding::kSame), InvalidArgument);
}

// Values 0.05 apart within any 23 consecutive elements (element 23 repeats element 0, in another
// row here), so a finite-difference step of 0.01 never changes which position is the max.
void fill_spaced(Tensor& x) {
  for (std::int64_t i = 0; i < x.numel(); ++i) {
    x.data<float>()[i] = 0.05f * static_cast<float>((i * 7) % 23) - 0.5f;
  }
}

TEST(GlobalMaxPooling1DLayer, GradientMatchesFiniteDifferences) {
  const Tensor ids = make_ids({3, 4}, {0, 2, 3, 4, 5, 0, 6, 0, 0, 0, 0, 0});
  for (const bool mask : {true, false}) {
    GlobalMaxPooling1D layer(mask);
    std::vector<Parameter> params;
    Tensor x({3, 4, 2});
    fill_spaced(x);
    check_layer_gradients(layer, params, x, ids, {1e-2f, 1e-3, 1e-2}, mask ? "masked" : "unmasked");
  }
}

TEST(GlobalMaxPooling1DLayer, MaskSkipsPaddingAndEmptyRowsGiveZeros) {
  // Row 0: ids {0, 7, 8}, so the padding position holding 9 is skipped. Row 1: all padding.
  const Tensor ids = make_ids({2, 3}, {0, 7, 8, 0, 0, 0});
  Tensor x({2, 3, 2});
  const std::vector<float> values = {9, 9, 1, -4, 2, -3, 5, 5, 5, 5, 5, 5};
  std::copy(values.begin(), values.end(), x.data<float>());
  GlobalMaxPooling1D masked(true);
  std::vector<Parameter> params;
  Tensor y;
  masked.infer(params, x, ids, y);
  EXPECT_EQ(std::vector<float>(y.data<float>(), y.data<float>() + 4), (std::vector<float>{2, -3, 0, 0}));

  GlobalMaxPooling1D unmasked(false);
  unmasked.infer(params, x, ids, y);
  EXPECT_EQ(std::vector<float>(y.data<float>(), y.data<float>() + 4), (std::vector<float>{9, 9, 5, 5}));

  Rng rng;
  masked.forward(params, x, ids, true, rng);
  Tensor dy({2, 2});
  dy.fill(1.0f);
  const Tensor* dx = masked.backward(params, dy);
  // Only the winners of row 0 (position 2 for both features) get a gradient.
  const std::vector<float> expected = {0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(std::vector<float>(dx->data<float>(), dx->data<float>() + 12), expected);
}

TEST(GlobalMaxPooling1DLayer, RejectsMisalignedMaskIds) {
  GlobalMaxPooling1D layer(true);
  layer.set_path("layers.2.global_max_pooling1d");
  std::vector<Parameter> params;
  Rng rng;
  const Tensor x({2, 3, 4});
  const Tensor ids({2, 5}, DType::kInt32);
  try {
    layer.forward(params, x, ids, true, rng);
    ADD_FAILURE() << "expected InvalidArgument";
  } catch (const InvalidArgument& error) {
    EXPECT_NE(std::string(error.what()).find("mask ids"), std::string::npos) << error.what();
  }
}

TEST(LayerNormalizationLayer, GradientMatchesFiniteDifferences) {
  for (const std::vector<std::int64_t>& shape : {std::vector<std::int64_t>{2, 3, 5}, std::vector<std::int64_t>{4, 6}}) {
    LayerNormalization layer(shape.back(), 1e-3);
    auto params = make_parameters(layer);
    Rng rng;
    layer.initialize(params, rng);
    fill_pattern(params[0].value, 0.5f, 2.0f);  // gamma away from 1 checks its use in dx
    for (std::int64_t i = 0; i < params[0].value.numel(); ++i) params[0].value.data<float>()[i] += 1.0f;
    fill_pattern(params[1].value, 0.2f, 0.9f);
    Tensor x(shape);
    fill_pattern(x, 1.5f, 0.3f);
    const Tensor ids({shape[0], 1}, DType::kInt32);
    check_layer_gradients(layer, params, x, ids, {1e-2f, 2e-3, 2e-2}, "rank " + std::to_string(shape.size()));
  }
}

TEST(LayerNormalizationLayer, ForwardNormalisesEachRow) {
  // Row {1, 2, 3, 6}: mean 3, variance (4 + 1 + 0 + 9) / 4 = 3.5, so y = (x - 3) / sqrt(3.5 + eps).
  LayerNormalization layer(4, 1e-3);
  auto params = make_parameters(layer);
  Rng rng;
  layer.initialize(params, rng);
  Tensor x({1, 4});
  const std::vector<float> values = {1, 2, 3, 6};
  std::copy(values.begin(), values.end(), x.data<float>());
  Tensor y;
  layer.infer(params, x, Tensor({1, 1}, DType::kInt32), y);
  const double rstd = 1.0 / std::sqrt(3.5 + 1e-3);
  for (int j = 0; j < 4; ++j) {
    EXPECT_NEAR(y.data<float>()[j], (values[j] - 3.0) * rstd, 1e-6) << j;
  }
  EXPECT_EQ(params[0].name, "gamma");
  EXPECT_EQ(params[0].value.data<float>()[0], 1.0f);
  EXPECT_EQ(params[1].name, "beta");
}

TEST(LayerNormalizationLayer, RejectsWrongFeatureCount) {
  LayerNormalization layer(4);
  auto params = make_parameters(layer);
  Rng rng;
  const Tensor ids({2, 3}, DType::kInt32);
  EXPECT_THROW(layer.forward(params, Tensor({2, 3, 5}), ids, true, rng), InvalidArgument);
  EXPECT_THROW(layer.forward(params, Tensor({2, 5}), ids, true, rng), InvalidArgument);
  EXPECT_THROW(layer.forward(params, Tensor({8}), ids, true, rng), InvalidArgument);
  EXPECT_THROW(LayerNormalization(0), InvalidArgument);
  EXPECT_THROW(LayerNormalization(4, 0.0), InvalidArgument);
}

TEST(SequenceArchitecture, ToJsonRoundTrips) {
  const json architecture = json::parse(R"({"layers":[
    {"type":"embedding","input_dim":50,"output_dim":8},
    {"type":"conv1d","filters":16,"kernel_size":3,"activation":"relu","padding":"same"},
    {"type":"layer_normalization","epsilon":0.001},
    {"type":"conv1d","filters":4,"kernel_size":2,"activation":"linear","padding":"valid"},
    {"type":"global_max_pooling1d","mask":false},
    {"type":"layer_normalization","epsilon":0.5},
    {"type":"dense","units":3,"activation":"softmax"}]})");
  const Sequential model = Sequential::from_json(architecture);
  EXPECT_EQ(model.to_json(), architecture);
  EXPECT_FALSE(model.masks_padding());
  std::vector<std::string> names;
  for (const Parameter& param : model.parameters()) names.push_back(param.name + param.value.shape_string());
  const std::vector<std::string> expected = {
      "layers.0.embedding.embeddings[50, 8]", "layers.1.conv1d.kernel[3, 8, 16]",
      "layers.1.conv1d.bias[16]",             "layers.2.layer_normalization.gamma[16]",
      "layers.2.layer_normalization.beta[16]", "layers.3.conv1d.kernel[2, 16, 4]",
      "layers.3.conv1d.bias[4]",              "layers.5.layer_normalization.gamma[4]",
      "layers.5.layer_normalization.beta[4]", "layers.6.dense.kernel[3, 4]",
      "layers.6.dense.bias[3]"};
  EXPECT_EQ(names, expected);
}

TEST(SequenceArchitecture, DefaultsFillOptionalKeys) {
  const Sequential model = Sequential::from_json(json::parse(R"({"layers":[
    {"type":"embedding","input_dim":5,"output_dim":2},
    {"type":"conv1d","filters":3,"kernel_size":2},
    {"type":"layer_normalization"},
    {"type":"global_max_pooling1d"},
    {"type":"dense","units":2,"activation":"softmax"}]})"));
  const json layers = model.to_json()["layers"];
  EXPECT_EQ(layers[1]["activation"], "linear");
  EXPECT_EQ(layers[1]["padding"], "same");
  EXPECT_EQ(layers[2]["epsilon"], 1e-3);
  EXPECT_EQ(layers[3]["mask"], true);
}

TEST(SequenceArchitecture, PredictIsIndependentOfBatchNeighbours) {
  Sequential model = Sequential::from_json(json::parse(R"({"layers":[
    {"type":"embedding","input_dim":9,"output_dim":4},
    {"type":"conv1d","filters":6,"kernel_size":3,"activation":"relu"},
    {"type":"global_max_pooling1d"},
    {"type":"dense","units":3,"activation":"softmax"}]})"));
  model.initialize(2);
  const Tensor both = make_ids({2, 5}, {0, 0, 3, 4, 5, 1, 2, 3, 8, 7});
  const Tensor second = make_ids({1, 5}, {1, 2, 3, 8, 7});
  const Tensor p_both = model.predict(both);
  const Tensor p_second = model.predict(second);
  for (int j = 0; j < 3; ++j) {
    EXPECT_NEAR(p_both.data<float>()[3 + j], p_second.data<float>()[j], 1e-6f) << j;
  }
}

TEST(SequenceArchitecture, RejectsBadLayers) {
  struct Case {
    const char* name;
    const char* layers;  // the entries after the embedding
    const char* expected_text;
  };
  const std::vector<Case> cases = {
      {"missing filters", R"({"type":"conv1d","kernel_size":3})", "missing key \"filters\""},
      {"zero kernel", R"({"type":"conv1d","filters":2,"kernel_size":0})",
       "architecture.layers[1].kernel_size: invalid value 0"},
      {"softmax conv", R"({"type":"conv1d","filters":2,"kernel_size":2,"activation":"softmax"})",
       "architecture.layers[1].activation: invalid value \"softmax\""},
      {"unknown padding", R"({"type":"conv1d","filters":2,"kernel_size":2,"padding":"causal"})",
       "architecture.layers[1].padding: unknown padding \"causal\""},
      {"unknown conv key", R"({"type":"conv1d","filters":2,"kernel_size":2,"strides":2})", "unknown key \"strides\""},
      {"masked max after valid conv",
       R"({"type":"conv1d","filters":2,"kernel_size":3,"padding":"valid"}, {"type":"global_max_pooling1d"})",
       "architecture.layers[2].mask: invalid value true"},
      {"masked average after valid conv",
       R"({"type":"conv1d","filters":2,"kernel_size":2,"padding":"valid"}, {"type":"global_average_pooling1d"})",
       "architecture.layers[2].mask: invalid value true"},
      {"conv after pooling", R"({"type":"global_max_pooling1d"}, {"type":"conv1d","filters":2,"kernel_size":2})",
       "conv1d needs a [batch, seq, features] input"},
      {"two max poolings", R"({"type":"global_max_pooling1d"}, {"type":"global_max_pooling1d"})",
       "global_max_pooling1d needs a [batch, seq, features] input"},
      {"mask not bool", R"({"type":"global_max_pooling1d","mask":1})", "architecture.layers[1].mask: invalid value 1"},
      {"zero epsilon", R"({"type":"layer_normalization","epsilon":0})",
       "architecture.layers[1].epsilon: invalid value 0"},
      {"string epsilon", R"({"type":"layer_normalization","epsilon":"small"})",
       "architecture.layers[1].epsilon: invalid value \"small\""},
  };
  for (const Case& c : cases) {
    const std::string text = std::string(R"({"layers":[{"type":"embedding","input_dim":5,"output_dim":2}, )") +
                             c.layers + R"(, {"type":"dense","units":2,"activation":"softmax"}]})";
    try {
      Sequential::from_json(json::parse(text));
      ADD_FAILURE() << c.name << ": expected InvalidArgument";
    } catch (const InvalidArgument& error) {
      EXPECT_NE(std::string(error.what()).find(c.expected_text), std::string::npos) << c.name << ": " << error.what();
    }
  }
}

TEST(SequenceArchitecture, ValidConvWithUnmaskedPoolingIsAccepted) {
  EXPECT_NO_THROW(Sequential::from_json(json::parse(R"({"layers":[
    {"type":"embedding","input_dim":5,"output_dim":2},
    {"type":"conv1d","filters":2,"kernel_size":3,"padding":"valid"},
    {"type":"global_max_pooling1d","mask":false},
    {"type":"dense","units":2,"activation":"softmax"}]})")));
  // kernel_size 1 keeps the positions aligned, so the mask stays allowed.
  EXPECT_NO_THROW(Sequential::from_json(json::parse(R"({"layers":[
    {"type":"embedding","input_dim":5,"output_dim":2},
    {"type":"conv1d","filters":2,"kernel_size":1,"padding":"valid"},
    {"type":"global_max_pooling1d"},
    {"type":"dense","units":2,"activation":"softmax"}]})")));
}

struct RecurrentCase {
  const char* name;
  RecurrentCell cell;
  bool bidirectional;
  bool return_sequences;
};

TEST(RecurrentLayer, GradientMatchesFiniteDifferences) {
  const std::vector<RecurrentCase> cases = {
      {"lstm last", RecurrentCell::kLstm, false, false},
      {"lstm bidirectional sequences", RecurrentCell::kLstm, true, true},
      {"gru last", RecurrentCell::kGru, false, false},
      {"gru bidirectional last", RecurrentCell::kGru, true, false},
      {"gru sequences", RecurrentCell::kGru, false, true},
  };
  for (const RecurrentCase& c : cases) {
    Recurrent layer(c.cell, 3, 4, c.bidirectional, c.return_sequences);
    auto params = make_parameters(layer);
    fill_pattern(params[0].value, 0.8f, 0.1f);
    fill_pattern(params[1].value, 0.8f, 0.5f);
    fill_pattern(params[2].value, 0.4f, 0.9f);
    Tensor x({2, 5, 3});
    fill_pattern(x, 1.0f, 0.4f);
    const Tensor ids({2, 5}, DType::kInt32);
    Rng rng;
    const std::int64_t features = c.bidirectional ? 8 : 4;
    const std::vector<std::int64_t> expected_shape =
        c.return_sequences ? std::vector<std::int64_t>{2, 5, features} : std::vector<std::int64_t>{2, features};
    EXPECT_EQ(layer.forward(params, x, ids, true, rng).shape(), expected_shape) << c.name;
    check_layer_gradients(layer, params, x, ids, {1e-2f, 2e-3, 2e-2}, c.name);
  }
}

TEST(RecurrentLayer, InferMatchesTrainingForward) {
  for (const RecurrentCell cell : {RecurrentCell::kLstm, RecurrentCell::kGru}) {
    Recurrent layer(cell, 4, 6, true, false);
    auto params = make_parameters(layer);
    Rng rng(7);
    layer.initialize(params, rng);
    Tensor x({3, 9, 4});
    fill_pattern(x, 1.0f, 0.2f);
    const Tensor ids({3, 9}, DType::kInt32);
    const Tensor trained = layer.forward(params, x, ids, true, rng);
    Tensor inferred;
    layer.infer(params, x, ids, inferred);
    ASSERT_EQ(inferred.shape(), trained.shape());
    for (std::int64_t i = 0; i < trained.numel(); ++i) {
      EXPECT_NEAR(inferred.data<float>()[i], trained.data<float>()[i], 1e-5f) << i;
    }
  }
}

TEST(RecurrentLayer, LstmMatchesHandComputedStep) {
  // One unit, one input, one position, weights 0 except the input weights w_i = w_c = w_o = 1 and
  // the Keras forget bias 1: i = sigmoid(x), c~ = tanh(x), o = sigmoid(x), c = i c~ (c_0 = 0),
  // h = o tanh(c).
  Recurrent layer(RecurrentCell::kLstm, 1, 1, false, false);
  auto params = make_parameters(layer);
  Rng rng;
  layer.initialize(params, rng);
  params[0].value.fill(1.0f);
  params[1].value.fill(0.0f);
  EXPECT_EQ(params[2].value.data<float>()[1], 1.0f);  // forget bias
  Tensor x({1, 1, 1});
  x.data<float>()[0] = 0.5f;
  Tensor y;
  layer.infer(params, x, Tensor({1, 1}, DType::kInt32), y);
  const double sigmoid = 1.0 / (1.0 + std::exp(-0.5));
  const double expected = sigmoid * std::tanh(sigmoid * std::tanh(0.5));
  EXPECT_NEAR(y.data<float>()[0], expected, 1e-6);
}

TEST(RecurrentLayer, ReverseDirectionEndsAtFirstPosition) {
  // With the same weights in both directions, the reverse half of the output for [a, b] must
  // equal the forward half for [b, a]: the reverse direction reads position 0 last.
  Recurrent layer(RecurrentCell::kGru, 2, 3, true, false);
  auto params = make_parameters(layer);
  Rng rng(4);
  layer.initialize(params, rng);
  for (Parameter& param : params) {
    const std::int64_t half = param.value.numel() / 2;
    std::copy(param.value.data<float>(), param.value.data<float>() + half, param.value.data<float>() + half);
  }
  fill_pattern(params[2].value, 0.3f, 0.2f);  // non-zero biases, the same in both halves
  std::copy(params[2].value.data<float>(), params[2].value.data<float>() + 12, params[2].value.data<float>() + 12);
  const std::vector<float> a = {0.3f, -0.7f};
  const std::vector<float> b = {-0.2f, 0.9f};
  Tensor forward_order({1, 2, 2});
  Tensor swapped({1, 2, 2});
  std::copy(a.begin(), a.end(), forward_order.data<float>());
  std::copy(b.begin(), b.end(), forward_order.data<float>() + 2);
  std::copy(b.begin(), b.end(), swapped.data<float>());
  std::copy(a.begin(), a.end(), swapped.data<float>() + 2);
  const Tensor ids({1, 2}, DType::kInt32);
  Tensor y;
  Tensor y_swapped;
  layer.infer(params, forward_order, ids, y);
  layer.infer(params, swapped, ids, y_swapped);
  ASSERT_EQ(y.shape(), (std::vector<std::int64_t>{1, 6}));
  for (int j = 0; j < 3; ++j) {
    EXPECT_NEAR(y.data<float>()[3 + j], y_swapped.data<float>()[j], 1e-6f) << j;
    EXPECT_NE(y.data<float>()[j], y.data<float>()[3 + j]) << j;
  }
}

TEST(RecurrentLayer, RejectsBadInputs) {
  Recurrent layer(RecurrentCell::kLstm, 3, 2, false, false);
  layer.set_path("layers.1.lstm");
  auto params = make_parameters(layer);
  Rng rng;
  try {
    layer.forward(params, Tensor({2, 4, 5}), Tensor({2, 4}, DType::kInt32), true, rng);
    ADD_FAILURE() << "expected InvalidArgument";
  } catch (const InvalidArgument& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("layers.1.lstm: invalid input: expected float32 shape [any, any, 3]"), std::string::npos)
        << message;
  }
  EXPECT_THROW(layer.backward(params, Tensor({2, 2})), InvalidArgument);
  layer.forward(params, Tensor({2, 4, 3}), Tensor({2, 4}, DType::kInt32), true, rng);
  EXPECT_THROW(layer.backward(params, Tensor({2, 4, 2})), InvalidArgument);
  EXPECT_THROW(Recurrent(RecurrentCell::kGru, 3, 0, false, false), InvalidArgument);
}

TEST(RecurrentArchitecture, ToJsonRoundTripsAndNamesParameters) {
  const json architecture = json::parse(R"({"layers":[
    {"type":"embedding","input_dim":50,"output_dim":8},
    {"type":"gru","units":6,"bidirectional":true,"return_sequences":true},
    {"type":"lstm","units":5,"bidirectional":false,"return_sequences":false},
    {"type":"dense","units":3,"activation":"softmax"}]})");
  const Sequential model = Sequential::from_json(architecture);
  EXPECT_EQ(model.to_json(), architecture);
  std::vector<std::string> names;
  for (const Parameter& param : model.parameters()) names.push_back(param.name + param.value.shape_string());
  const std::vector<std::string> expected = {"layers.0.embedding.embeddings[50, 8]",
                                             "layers.1.gru.kernel[2, 8, 18]",
                                             "layers.1.gru.recurrent_kernel[2, 6, 18]",
                                             "layers.1.gru.bias[2, 24]",
                                             "layers.2.lstm.kernel[1, 12, 20]",
                                             "layers.2.lstm.recurrent_kernel[1, 5, 20]",
                                             "layers.2.lstm.bias[1, 20]",
                                             "layers.3.dense.kernel[3, 5]",
                                             "layers.3.dense.bias[3]"};
  EXPECT_EQ(names, expected);
}

TEST(RecurrentArchitecture, RejectsBadLayers) {
  struct Case {
    const char* name;
    const char* layers;
    const char* expected_text;
  };
  const std::vector<Case> cases = {
      {"missing units", R"({"type":"lstm"})", "missing key \"units\""},
      {"bidirectional not bool", R"({"type":"gru","units":2,"bidirectional":"yes"})",
       "architecture.layers[1].bidirectional: invalid value \"yes\""},
      {"unknown key", R"({"type":"lstm","units":2,"dropout":0.1})", "unknown key \"dropout\""},
      {"sequences into dense", R"({"type":"lstm","units":2,"return_sequences":true})",
       "dense needs a [batch, features] input"},
      {"after final state", R"({"type":"gru","units":2}, {"type":"lstm","units":2})",
       "lstm needs a [batch, seq, features] input"},
  };
  for (const Case& c : cases) {
    const std::string text = std::string(R"({"layers":[{"type":"embedding","input_dim":5,"output_dim":2}, )") +
                             c.layers + R"(, {"type":"dense","units":2,"activation":"softmax"}]})";
    try {
      Sequential::from_json(json::parse(text));
      ADD_FAILURE() << c.name << ": expected InvalidArgument";
    } catch (const InvalidArgument& error) {
      EXPECT_NE(std::string(error.what()).find(c.expected_text), std::string::npos) << c.name << ": " << error.what();
    }
  }
}

TEST(TransformerEncoderLayer, GradientMatchesFiniteDifferences) {
  // Row 0 has a padding key, row 1 is all padding (its attention output is the bias alone).
  const Tensor ids = make_ids({3, 4}, {0, 2, 3, 4, 0, 0, 0, 0, 5, 6, 7, 1});
  for (const bool mask : {true, false}) {
    TransformerEncoder layer(4, 2, 3, mask);
    auto params = make_parameters(layer);
    Rng rng(8);
    layer.initialize(params, rng);
    float phase = 0.1f;
    for (Parameter& param : params) {
      Tensor offsets(param.value.shape());
      fill_pattern(offsets, 0.3f, phase += 0.7f);
      for (std::int64_t i = 0; i < param.value.numel(); ++i) param.value.data<float>()[i] += offsets.data<float>()[i];
    }
    Tensor x({3, 4, 4});
    fill_pattern(x, 1.0f, 0.4f);
    // A small step, because the feed-forward relu has kinks that a step of 0.01 can cross.
    check_layer_gradients(layer, params, x, ids, {2e-3f, 5e-3, 2e-2}, mask ? "masked" : "unmasked");
  }
}

TEST(TransformerEncoderLayer, PaddingKeysDoNotChangeOutput) {
  // With the mask, the outputs of the real positions do not depend on what the padding holds.
  TransformerEncoder layer(4, 2, 5, true);
  auto params = make_parameters(layer);
  Rng rng(3);
  layer.initialize(params, rng);
  const Tensor ids = make_ids({1, 3}, {0, 4, 9});
  Tensor x({1, 3, 4});
  fill_pattern(x, 1.0f, 0.2f);
  Tensor before;
  layer.infer(params, x, ids, before);
  for (int j = 0; j < 4; ++j) x.data<float>()[j] += 5.0f;  // position 0 is padding
  Tensor after;
  layer.infer(params, x, ids, after);
  for (std::int64_t i = 4; i < 12; ++i) {
    EXPECT_NEAR(before.data<float>()[i], after.data<float>()[i], 1e-5f) << i;
  }
}

TEST(TransformerEncoderLayer, InferMatchesTrainingForward) {
  TransformerEncoder layer(8, 4, 16, true);
  auto params = make_parameters(layer);
  Rng rng(5);
  layer.initialize(params, rng);
  const Tensor ids = make_ids({2, 5}, {0, 0, 3, 4, 5, 1, 2, 3, 4, 5});
  Tensor x({2, 5, 8});
  fill_pattern(x, 1.0f, 0.6f);
  const Tensor trained = layer.forward(params, x, ids, true, rng);
  Tensor inferred;
  layer.infer(params, x, ids, inferred);
  ASSERT_EQ(inferred.shape(), trained.shape());
  for (std::int64_t i = 0; i < trained.numel(); ++i) {
    EXPECT_NEAR(inferred.data<float>()[i], trained.data<float>()[i], 1e-5f) << i;
  }
}

TEST(TransformerArchitecture, RoundTripsAndRejectsBadKeys) {
  const json architecture = json::parse(R"({"layers":[
    {"type":"embedding","input_dim":20,"output_dim":8},
    {"type":"transformer_encoder","num_heads":2,"ff_dim":16,"mask":true,"epsilon":0.001},
    {"type":"global_average_pooling1d","mask":true},
    {"type":"dense","units":3,"activation":"softmax"}]})");
  const Sequential model = Sequential::from_json(architecture);
  EXPECT_EQ(model.to_json(), architecture);
  EXPECT_EQ(model.parameters()[1].name, "layers.1.transformer_encoder.query_kernel");
  EXPECT_EQ(model.parameters()[11].value.shape(), (std::vector<std::int64_t>{16, 8}));
  EXPECT_FALSE(model.masks_padding());

  struct Case {
    const char* name;
    const char* layer;
    const char* expected_text;
  };
  const std::vector<Case> cases = {
      {"heads do not divide", R"({"type":"transformer_encoder","num_heads":3,"ff_dim":4})",
       "architecture.layers[1].num_heads: invalid value 3"},
      {"missing ff_dim", R"({"type":"transformer_encoder","num_heads":2})", "missing key \"ff_dim\""},
      {"unknown key", R"({"type":"transformer_encoder","num_heads":2,"ff_dim":4,"dropout":0.1})",
       "unknown key \"dropout\""},
  };
  for (const Case& c : cases) {
    const std::string text = std::string(R"({"layers":[{"type":"embedding","input_dim":5,"output_dim":8}, )") +
                             c.layer + R"(, {"type":"global_max_pooling1d"}, {"type":"dense","units":2}]})";
    try {
      Sequential::from_json(json::parse(text));
      ADD_FAILURE() << c.name << ": expected InvalidArgument";
    } catch (const InvalidArgument& error) {
      EXPECT_NE(std::string(error.what()).find(c.expected_text), std::string::npos) << c.name << ": " << error.what();
    }
  }
}

}  // namespace
}  // namespace maas::nn
