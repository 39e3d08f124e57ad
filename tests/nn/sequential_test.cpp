#include "core/nn/sequential.h"

#include <gtest/gtest.h>

#include <cmath>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "core/common/error.h"
#include "core/nn/initializers.h"
#include "core/nn/loss.h"
#include "core/nn/optimizer.h"
#include "tests/nn/gradient_check.h"

namespace maas::nn {
namespace {

using nlohmann::json;
using testing::expect_gradient_matches;
using testing::GradientTolerance;

const json kSeedArchitecture = json::parse(R"({"layers":[
  {"type":"embedding","input_dim":20000,"output_dim":64},
  {"type":"global_average_pooling1d","mask":true},
  {"type":"dense","units":64,"activation":"relu"},
  {"type":"dropout","rate":0.5},
  {"type":"dense","units":6,"activation":"softmax"}]})");

const json kSmallSoftmax = json::parse(R"({"layers":[
  {"type":"embedding","input_dim":8,"output_dim":4},
  {"type":"global_average_pooling1d","mask":true},
  {"type":"dense","units":5,"activation":"tanh"},
  {"type":"dropout","rate":0.3},
  {"type":"dense","units":3,"activation":"softmax"}]})");

const json kSmallSigmoid = json::parse(R"({"layers":[
  {"type":"embedding","input_dim":6,"output_dim":3},
  {"type":"global_average_pooling1d","mask":false},
  {"type":"dense","units":4,"activation":"sigmoid"},
  {"type":"dense","units":1,"activation":"sigmoid"}]})");

const json kSmallConvSame = json::parse(R"({"layers":[
  {"type":"embedding","input_dim":8,"output_dim":4},
  {"type":"conv1d","filters":5,"kernel_size":3,"activation":"tanh","padding":"same"},
  {"type":"layer_normalization","epsilon":0.001},
  {"type":"global_max_pooling1d","mask":true},
  {"type":"dense","units":3,"activation":"softmax"}]})");

const json kSmallConvValid = json::parse(R"({"layers":[
  {"type":"embedding","input_dim":6,"output_dim":3},
  {"type":"conv1d","filters":4,"kernel_size":2,"activation":"linear","padding":"valid"},
  {"type":"global_average_pooling1d","mask":false},
  {"type":"layer_normalization","epsilon":0.01},
  {"type":"dense","units":1,"activation":"sigmoid"}]})");

const json kSmallRecurrentAttention = json::parse(R"({"layers":[
  {"type":"embedding","input_dim":8,"output_dim":4},
  {"type":"lstm","units":2,"bidirectional":true,"return_sequences":true},
  {"type":"transformer_encoder","num_heads":2,"ff_dim":5,"mask":true,"epsilon":0.001},
  {"type":"gru","units":3,"bidirectional":false,"return_sequences":false},
  {"type":"layer_normalization","epsilon":0.001},
  {"type":"dense","units":3,"activation":"softmax"}]})");

Tensor make_ids(std::vector<std::int64_t> shape, const std::vector<std::int32_t>& values) {
  Tensor ids(std::move(shape), DType::kInt32);
  std::copy(values.begin(), values.end(), ids.data<std::int32_t>());
  return ids;
}

// Deterministic ids in [0, vocab) with trailing padding that grows row by row.
Tensor pattern_ids(std::int64_t batch, std::int64_t seq, std::int32_t vocab) {
  Tensor ids({batch, seq}, DType::kInt32);
  for (std::int64_t b = 0; b < batch; ++b) {
    for (std::int64_t t = 0; t < seq; ++t) {
      const bool padding = t >= seq - (b % seq);
      ids.data<std::int32_t>()[b * seq + t] =
          padding ? 0 : static_cast<std::int32_t>(1 + (b * 7919 + t * 104729) % (vocab - 1));
    }
  }
  return ids;
}

TEST(Sequential, ToJsonRoundTripsSeedArchitecture) {
  const Sequential model = Sequential::from_json(kSeedArchitecture);
  EXPECT_EQ(model.to_json(), kSeedArchitecture);
  EXPECT_EQ(model.outputs(), 6);
  EXPECT_EQ(model.output_activation(), "softmax");
}

TEST(Sequential, ParametersHaveDottedNamesAndShapes) {
  const Sequential model = Sequential::from_json(kSeedArchitecture);
  const auto& params = model.parameters();
  ASSERT_EQ(params.size(), 5u);
  const std::vector<std::pair<std::string, std::vector<std::int64_t>>> expected = {
      {"layers.0.embedding.embeddings", {20000, 64}},
      {"layers.2.dense.kernel", {64, 64}},
      {"layers.2.dense.bias", {64}},
      {"layers.4.dense.kernel", {6, 64}},
      {"layers.4.dense.bias", {6}},
  };
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(params[i].name, expected[i].first);
    EXPECT_EQ(params[i].value.shape(), expected[i].second) << params[i].name;
    EXPECT_EQ(params[i].grad.shape(), expected[i].second) << params[i].name;
  }
}

TEST(Sequential, InitializersStayInKerasRanges) {
  Sequential model = Sequential::from_json(kSeedArchitecture);
  model.initialize(123);
  const float dense_limit = std::sqrt(6.0f / (64 + 64));  // 0.306
  const float output_limit = std::sqrt(6.0f / (64 + 6));  // 0.293
  const std::vector<float> limits = {kEmbeddingInitLimit, dense_limit, 0.0f, output_limit, 0.0f};
  const auto& params = model.parameters();
  for (std::size_t p = 0; p < params.size(); ++p) {
    const Tensor& value = params[p].value;
    float max_abs = 0.0f;
    double sum = 0.0;
    for (std::int64_t i = 0; i < value.numel(); ++i) {
      max_abs = std::max(max_abs, std::abs(value.data<float>()[i]));
      sum += value.data<float>()[i];
    }
    EXPECT_LE(max_abs, limits[p]) << params[p].name;
    if (limits[p] > 0.0f) {
      // Enough draws that the largest lands near the limit and the mean near 0.
      EXPECT_GT(max_abs, 0.9f * limits[p]) << params[p].name;
      EXPECT_LT(std::abs(sum / value.numel()), 0.1 * limits[p]) << params[p].name;
    }
  }
}

TEST(Sequential, InitializeIsDeterministicForSeed) {
  Sequential first = Sequential::from_json(kSmallSoftmax);
  Sequential second = Sequential::from_json(kSmallSoftmax);
  Sequential other = Sequential::from_json(kSmallSoftmax);
  first.initialize(5);
  second.initialize(5);
  other.initialize(6);
  for (std::size_t p = 0; p < first.parameters().size(); ++p) {
    const Tensor& a = first.parameters()[p].value;
    const Tensor& b = second.parameters()[p].value;
    EXPECT_TRUE(std::equal(a.data<float>(), a.data<float>() + a.numel(), b.data<float>())) << p;
  }
  const Tensor& a = first.parameters()[0].value;
  const Tensor& c = other.parameters()[0].value;
  EXPECT_FALSE(std::equal(a.data<float>(), a.data<float>() + a.numel(), c.data<float>()));
}

struct ModelCase {
  const char* name;
  const json* architecture;
  std::vector<std::int32_t> labels;
  // Two layer norms and two RNNs give the loss more curvature, so the deep case needs a smaller
  // step to keep the central-difference error below the tolerance.
  GradientTolerance tolerance{1e-2f, 2e-3, 2e-2};
};

void PrintTo(const ModelCase& c, std::ostream* out) { *out << c.name; }

class ModelGradient : public ::testing::TestWithParam<ModelCase> {};

TEST_P(ModelGradient, MatchesFiniteDifferences) {
  const ModelCase& c = GetParam();
  Sequential model = Sequential::from_json(*c.architecture);
  model.initialize(11);
  // Scale the weights up so that the gradients are not all tiny.
  for (Parameter& param : model.parameters()) {
    for (std::int64_t i = 0; i < param.value.numel(); ++i) {
      param.value.data<float>()[i] *= param.name.find("embeddings") != std::string::npos ? 20.0f : 2.0f;
    }
  }
  const std::int32_t vocab = static_cast<std::int32_t>(model.parameters()[0].value.dim(0));
  const Tensor ids = make_ids({3, 4}, {1, 2, 0, 0, 3, vocab - 1, 1, 2, 0, 0, 0, 0});
  auto loss = make_loss(model.output_activation());

  // Reseeding before each forward pass fixes the dropout mask.
  auto evaluate = [&] {
    model.set_seed(99);
    return static_cast<double>(loss->forward(model.forward(ids, true), c.labels.data(), nullptr));
  };
  evaluate();
  model.backward(loss->backward());
  std::vector<Tensor> analytic;
  for (const Parameter& param : model.parameters()) {
    analytic.push_back(param.grad);
  }

  for (std::size_t p = 0; p < analytic.size(); ++p) {
    expect_gradient_matches(model.parameters()[p].value, analytic[p], evaluate, c.tolerance,
                            std::string(c.name) + " " + model.parameters()[p].name);
  }
}

INSTANTIATE_TEST_SUITE_P(Models, ModelGradient,
                         ::testing::Values(ModelCase{"softmax_dropout", &kSmallSoftmax, {0, 2, 1}},
                                           ModelCase{"sigmoid_unmasked", &kSmallSigmoid, {1, 0, 1}},
                                           ModelCase{"conv_same_max_pool", &kSmallConvSame, {0, 2, 1}},
                                           ModelCase{"conv_valid_layer_norm", &kSmallConvValid, {1, 0, 1}},
                                           ModelCase{"lstm_attention_gru", &kSmallRecurrentAttention, {2, 0, 1},
                                                     {3e-3f, 2e-3, 2e-2}}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Sequential, PredictEqualsProbabilitiesOfForward) {
  for (const json* architecture : {&kSmallSoftmax, &kSmallSigmoid}) {
    Sequential model = Sequential::from_json(*architecture);
    model.initialize(3);
    const Tensor ids = pattern_ids(5, 7, static_cast<std::int32_t>(model.parameters()[0].value.dim(0)));

    Tensor expected = model.forward(ids, false);
    model.probabilities_inplace(expected);
    const Tensor predicted = model.predict(ids);

    ASSERT_EQ(predicted.shape(), expected.shape());
    for (std::int64_t i = 0; i < expected.numel(); ++i) {
      EXPECT_FLOAT_EQ(predicted.data<float>()[i], expected.data<float>()[i]) << i;
    }
  }
}

TEST(Sequential, SoftmaxProbabilitiesSumToOne) {
  Sequential model = Sequential::from_json(kSmallSoftmax);
  model.initialize(4);
  const Tensor probabilities = model.predict(pattern_ids(4, 6, 8));
  for (std::int64_t b = 0; b < 4; ++b) {
    double sum = 0.0;
    for (std::int64_t c = 0; c < 3; ++c) {
      sum += probabilities.data<float>()[b * 3 + c];
    }
    EXPECT_NEAR(sum, 1.0, 1e-6) << b;
  }
}

TEST(Sequential, PredictFromTwoThreadsMatchesSerial) {
  Sequential model = Sequential::from_json(kSeedArchitecture);
  model.initialize(8);
  const Tensor ids = pattern_ids(16, 64, 20000);
  const Tensor serial = model.predict(ids);

  std::vector<Tensor> results(2);
  std::vector<std::thread> threads;
  for (Tensor& result : results) {
    threads.emplace_back([&model, &ids, &result] {
      for (int repeat = 0; repeat < 20; ++repeat) {
        result = model.predict(ids);
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  for (const Tensor& result : results) {
    ASSERT_EQ(result.shape(), serial.shape());
    EXPECT_TRUE(std::equal(result.data<float>(), result.data<float>() + result.numel(), serial.data<float>()));
  }
}

TEST(Sequential, SequenceLengthMayChangeBetweenCalls) {
  Sequential model = Sequential::from_json(kSmallSoftmax);
  model.initialize(1);
  for (std::int64_t seq : {1, 9, 3}) {
    const Tensor& logits = model.forward(pattern_ids(2, seq, 8), true);
    EXPECT_EQ(logits.shape(), (std::vector<std::int64_t>{2, 3})) << seq;
    Tensor dlogits({2, 3});
    dlogits.fill(0.1f);
    EXPECT_NO_THROW(model.backward(dlogits)) << seq;
  }
}

TEST(Sequential, TrainingIsDeterministicForSeed) {
  auto train = [] {
    Sequential model = Sequential::from_json(kSmallSoftmax);
    model.initialize(21);
    model.set_seed(22);
    auto loss = make_loss(model.output_activation());
    auto optimizer = make_adam(0.01f, 0.9f, 0.999f, 1e-7f);
    const std::vector<std::int32_t> labels = {0, 1, 2, 1};
    for (int step = 0; step < 5; ++step) {
      loss->forward(model.forward(pattern_ids(4, 5, 8), true), labels.data(), nullptr);
      model.backward(loss->backward());
      optimizer->step(model.parameters());
    }
    return model;
  };
  const Sequential first = train();
  const Sequential second = train();
  for (std::size_t p = 0; p < first.parameters().size(); ++p) {
    const Tensor& a = first.parameters()[p].value;
    const Tensor& b = second.parameters()[p].value;
    EXPECT_TRUE(std::equal(a.data<float>(), a.data<float>() + a.numel(), b.data<float>()))
        << first.parameters()[p].name;
  }
}

TEST(Sequential, TrainingLearnsTokenToClassMapping) {
  // Token 1 means class 0, token 2 class 1, token 3 class 2; training should fit this.
  Sequential model = Sequential::from_json(kSmallSoftmax);
  model.initialize(2);
  auto loss = make_loss(model.output_activation());
  auto optimizer = make_adam(0.05f, 0.9f, 0.999f, 1e-7f);
  const Tensor ids = make_ids({3, 2}, {1, 0, 2, 2, 3, 0});
  const std::vector<std::int32_t> labels = {0, 1, 2};
  float first_loss = 0.0f;
  float last_loss = 0.0f;
  for (int step = 0; step < 200; ++step) {
    last_loss = loss->forward(model.forward(ids, true), labels.data(), nullptr);
    if (step == 0) {
      first_loss = last_loss;
    }
    model.backward(loss->backward());
    optimizer->step(model.parameters());
  }
  EXPECT_LT(last_loss, 0.3f * first_loss);
  const Tensor probabilities = model.predict(ids);
  for (std::int64_t b = 0; b < 3; ++b) {
    EXPECT_GT(probabilities.data<float>()[b * 3 + labels[b]], 0.5f) << b;
  }
}

TEST(Sequential, CopyIsIndependent) {
  Sequential model = Sequential::from_json(kSmallSoftmax);
  model.initialize(1);
  const Tensor ids = pattern_ids(2, 3, 8);
  const Tensor before = model.predict(ids);
  Sequential copy = model;
  copy.parameters()[3].value.fill(5.0f);
  const Tensor after = model.predict(ids);
  EXPECT_TRUE(std::equal(before.data<float>(), before.data<float>() + before.numel(), after.data<float>()));
  EXPECT_EQ(copy.to_json(), model.to_json());
}

TEST(Sequential, OutputActivationComesFromLastDense) {
  struct Case {
    const char* activation;
    const char* expected;
  };
  const std::vector<Case> cases = {
      {"softmax", "softmax"}, {"sigmoid", "sigmoid"}, {"linear", "linear"}, {"relu", "linear"}, {"tanh", "linear"}};
  for (const Case& c : cases) {
    json architecture = kSmallSoftmax;
    architecture["layers"][4]["activation"] = c.activation;
    const Sequential model = Sequential::from_json(architecture);
    EXPECT_EQ(model.output_activation(), c.expected) << c.activation;
    EXPECT_EQ(model.to_json(), architecture) << c.activation;
  }
}

TEST(Sequential, BadIdsAreRejectedWithPosition) {
  Sequential model = Sequential::from_json(kSmallSoftmax);
  model.initialize(1);
  const Tensor ids = make_ids({2, 2}, {1, 2, 8, 1});
  for (int path = 0; path < 2; ++path) {
    try {
      if (path == 0) {
        model.forward(ids, true);
      } else {
        model.predict(ids);
      }
      FAIL() << "expected InvalidArgument";
    } catch (const InvalidArgument& error) {
      const std::string message = error.what();
      EXPECT_NE(message.find("layers.0.embedding"), std::string::npos) << message;
      EXPECT_NE(message.find("invalid token id 8 at position [1, 0]"), std::string::npos) << message;
      EXPECT_NE(message.find("input_dim is 8"), std::string::npos) << message;
    }
  }
}

TEST(Sequential, RejectsWrongInputTypeAndShape) {
  Sequential model = Sequential::from_json(kSmallSoftmax);
  const std::vector<Tensor> inputs = {Tensor({2, 3}), Tensor({6}, DType::kInt32), Tensor({0, 3}, DType::kInt32),
                                      Tensor({2, 0}, DType::kInt32)};
  for (const Tensor& input : inputs) {
    EXPECT_THROW(model.forward(input, true), InvalidArgument) << input.shape_string();
    EXPECT_THROW(model.predict(input), InvalidArgument) << input.shape_string();
  }
}

TEST(Sequential, BackwardChecksOrderAndShape) {
  Sequential model = Sequential::from_json(kSmallSoftmax);
  EXPECT_THROW(model.backward(Tensor({2, 3})), InvalidArgument);
  model.forward(pattern_ids(2, 3, 8), true);
  EXPECT_THROW(model.backward(Tensor({2, 4})), InvalidArgument);
  EXPECT_THROW(model.backward(Tensor({3, 3})), InvalidArgument);
  EXPECT_NO_THROW(model.backward(Tensor({2, 3})));
}

TEST(Sequential, ProbabilitiesRejectWrongWidth) {
  const Sequential model = Sequential::from_json(kSmallSoftmax);
  Tensor logits({2, 4});
  EXPECT_THROW(model.probabilities_inplace(logits), InvalidArgument);
}

TEST(SequentialFromJson, RejectsBadArchitectures) {
  struct Case {
    const char* name;
    const char* architecture;
    const char* expected_text;
  };
  const std::vector<Case> cases = {
      {"not an object", R"([1, 2])", "expected an object"},
      {"unknown top key", R"({"layers": [], "extra": 1})", "unknown key \"extra\""},
      {"no layers", R"({})", "missing key \"layers\""},
      {"empty layers", R"({"layers": []})", "non-empty array"},
      {"layer not object", R"({"layers": [3]})", "architecture.layers[0]"},
      {"missing type", R"({"layers": [{"input_dim": 3}]})", "missing key \"type\""},
      {"unknown type",
       R"({"layers": [{"type":"embedding","input_dim":5,"output_dim":2}, {"type":"conv2d"}]})",
       "architecture.layers[1].type: unknown layer type \"conv2d\""},
      {"first not embedding", R"({"layers": [{"type":"dense","units":2}]})", "expected \"embedding\""},
      {"second embedding",
       R"({"layers": [{"type":"embedding","input_dim":5,"output_dim":2},
                      {"type":"embedding","input_dim":5,"output_dim":2}]})",
       "must be layers[0]"},
      {"missing input_dim", R"({"layers": [{"type":"embedding","output_dim":2}]})", "missing key \"input_dim\""},
      {"zero input_dim", R"({"layers": [{"type":"embedding","input_dim":0,"output_dim":2}]})",
       "architecture.layers[0].input_dim: invalid value 0"},
      {"float units",
       R"({"layers": [{"type":"embedding","input_dim":5,"output_dim":2}, {"type":"global_average_pooling1d"},
                      {"type":"dense","units":2.5}]})",
       "architecture.layers[2].units: invalid value 2.5"},
      {"string units",
       R"({"layers": [{"type":"embedding","input_dim":5,"output_dim":2}, {"type":"global_average_pooling1d"},
                      {"type":"dense","units":"6"}]})",
       "architecture.layers[2].units: invalid value \"6\""},
      {"huge units",
       R"({"layers": [{"type":"embedding","input_dim":5,"output_dim":2}, {"type":"global_average_pooling1d"},
                      {"type":"dense","units":99999999999}]})",
       "expected an integer in [1, 2147483647]"},
      {"unknown activation",
       R"({"layers": [{"type":"embedding","input_dim":5,"output_dim":2}, {"type":"global_average_pooling1d"},
                      {"type":"dense","units":2,"activation":"gelu"}]})",
       "architecture.layers[2].activation: unknown activation \"gelu\""},
      {"dense before pooling",
       R"({"layers": [{"type":"embedding","input_dim":5,"output_dim":2}, {"type":"dense","units":2}]})",
       "add a global_average_pooling1d layer"},
      {"two poolings",
       R"({"layers": [{"type":"embedding","input_dim":5,"output_dim":2}, {"type":"global_average_pooling1d"},
                      {"type":"global_average_pooling1d"}, {"type":"dense","units":2}]})",
       "remove the extra pooling layer"},
      {"mask not bool",
       R"({"layers": [{"type":"embedding","input_dim":5,"output_dim":2},
                      {"type":"global_average_pooling1d","mask":"yes"}, {"type":"dense","units":2}]})",
       "architecture.layers[1].mask: invalid value \"yes\""},
      {"rate out of range",
       R"({"layers": [{"type":"embedding","input_dim":5,"output_dim":2}, {"type":"global_average_pooling1d"},
                      {"type":"dropout","rate":1.0}, {"type":"dense","units":2}]})",
       "architecture.layers[2].rate: invalid value 1.0"},
      {"missing rate",
       R"({"layers": [{"type":"embedding","input_dim":5,"output_dim":2}, {"type":"global_average_pooling1d"},
                      {"type":"dropout"}, {"type":"dense","units":2}]})",
       "missing key \"rate\""},
      {"unknown layer key",
       R"({"layers": [{"type":"embedding","input_dim":5,"output_dim":2,"mask_zero":true}]})",
       "unknown key \"mask_zero\""},
      {"last not dense",
       R"({"layers": [{"type":"embedding","input_dim":5,"output_dim":2}, {"type":"global_average_pooling1d"},
                      {"type":"dense","units":2}, {"type":"dropout","rate":0.1}]})",
       "architecture.layers[3]: invalid last layer type \"dropout\""},
  };
  for (const Case& c : cases) {
    try {
      Sequential::from_json(json::parse(c.architecture));
      ADD_FAILURE() << c.name << ": expected InvalidArgument";
    } catch (const InvalidArgument& error) {
      EXPECT_NE(std::string(error.what()).find(c.expected_text), std::string::npos)
          << c.name << ": " << error.what();
    }
  }
}

}  // namespace
}  // namespace maas::nn
