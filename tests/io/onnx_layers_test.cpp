// ONNX export of the sequence layers (conv1d, global_max_pooling1d, layer_normalization, lstm,
// gru, transformer_encoder): each model is trained briefly on texts the test generates, exported,
// and run in ONNX Runtime against maas's own probabilities, with pre and post padding.

#include <cstring>
#include <filesystem>
#include <iostream>
#include <random>

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include "core/io/onnx_export.h"
#include "core/nn/loss.h"
#include "core/nn/optimizer.h"
#include "tests/io/onnx_runtime.h"
#include "tests/io/temp_dir_test.h"

namespace maas::io {
namespace {

namespace fs = std::filesystem;

struct LabelledTexts {
  std::vector<std::string> texts;
  std::vector<std::int32_t> classes;  // 0, 1 or 2
};

// Texts of 1 to 14 words: words of the text's class mixed with filler words, so that the class
// is learnable and some texts exceed the max_length of 10 and get truncated.
LabelledTexts make_texts(int count, std::uint32_t seed) {
  const std::vector<std::vector<std::string>> class_words = {
      {"sword", "shield", "attack", "strike", "slash", "raid"},
      {"hello", "greetings", "welcome", "hi", "cheers", "howdy"},
      {"trade", "sell", "buy", "gold", "price", "offer"}};
  const std::vector<std::string> fillers = {"the", "a", "and", "of", "now", "please"};
  std::mt19937 rng(seed);
  LabelledTexts data;
  for (int i = 0; i < count; ++i) {
    const int label = static_cast<int>(rng() % 3);
    const int length = 1 + static_cast<int>(rng() % 14);
    std::string text;
    for (int w = 0; w < length; ++w) {
      const bool filler = rng() % 5 < 2;
      const std::vector<std::string>& words = filler ? fillers : class_words[static_cast<std::size_t>(label)];
      text += (w == 0 ? "" : " ") + words[rng() % words.size()];
    }
    data.texts.push_back(text);
    data.classes.push_back(label);
  }
  return data;
}

// Texts to compare on: fresh generated ones and the edge cases, among them two that give only
// padding ("" and punctuation, which the tokenizer filters out) and one of unknown words only.
std::vector<std::string> comparison_texts() {
  std::vector<std::string> texts = make_texts(40, 99).texts;
  texts.insert(texts.end(), {"", "!!! ???", "zzzz unknown qqqq", "the", "sword",
                             "gold gold gold gold gold gold gold gold gold gold gold gold gold"});
  return texts;
}

text::TextEncoder make_encoder(const LabelledTexts& data, text::PadSide side) {
  text::TokenizerOptions options;
  options.oov_token = "<oov>";
  text::WordTokenizer tokenizer(options);
  tokenizer.fit_on_texts(data.texts);
  return text::TextEncoder(std::move(tokenizer), text::PadOptions{10, side, side, 0});
}

// Builds the architecture `layers` behind an embedding of the tokenizer's vocabulary, then runs
// three epochs of Adam on `data`, so that the weights are trained ones rather than initial ones.
Model train_model(const nlohmann::json& layers, const LabelledTexts& data, text::PadSide side, bool binary) {
  const text::TextEncoder encoder = make_encoder(data, side);
  nlohmann::json architecture = {{"layers", nlohmann::json::array()}};
  architecture["layers"].push_back({{"type", "embedding"}, {"input_dim", encoder.vocab_size()}, {"output_dim", 8}});
  for (const nlohmann::json& layer : layers) architecture["layers"].push_back(layer);
  architecture["layers"].push_back({{"type", "dense"},
                                    {"units", binary ? 1 : 3},
                                    {"activation", binary ? "sigmoid" : "softmax"}});
  nn::Sequential network = nn::Sequential::from_json(architecture);
  network.initialize(7);
  network.set_seed(7);

  std::vector<std::int32_t> classes = data.classes;
  if (binary) {
    for (std::int32_t& label : classes) label = label == 2 ? 1 : 0;
  }
  const std::vector<std::int32_t> ids = encoder.encode_batch(data.texts);
  const std::int64_t length = encoder.max_length();
  const std::unique_ptr<nn::Loss> loss = nn::make_loss(network.output_activation());
  const std::unique_ptr<nn::Optimizer> optimizer = nn::make_adam(0.01f, 0.9f, 0.999f, 1e-7f);
  constexpr std::int64_t kBatch = 16;
  const auto rows = static_cast<std::int64_t>(data.texts.size());
  for (int epoch = 0; epoch < 3; ++epoch) {
    for (std::int64_t start = 0; start + kBatch <= rows; start += kBatch) {
      Tensor batch({kBatch, length}, DType::kInt32);
      std::copy(ids.begin() + start * length, ids.begin() + (start + kBatch) * length, batch.data<std::int32_t>());
      const Tensor& logits = network.forward(batch, true);
      loss->forward(logits, classes.data() + start, nullptr);
      network.backward(loss->backward());
      optimizer->step(network.parameters());
    }
  }

  ModelManifest manifest;
  manifest.name = "synthetic";
  manifest.labels = binary ? std::vector<std::string>{"other", "trade"}
                           : std::vector<std::string>{"attack", "greeting", "trade"};
  return Model{manifest, std::move(network), encoder};
}

struct LayerCase {
  const char* name;
  nlohmann::json layers;  // between the embedding and the output dense layer
  bool binary = false;
};

class OnnxLayersTest : public TempDirTest {
 protected:
  // Trains, exports and compares every case with pre and with post padding.
  void expect_onnx_runtime_agrees(const std::vector<LayerCase>& cases) {
    if (!onnxruntime_available()) GTEST_SKIP() << kOnnxRuntimeMissing;
    const LabelledTexts training = make_texts(128, 1);
    const std::vector<std::string> texts = comparison_texts();
    for (const LayerCase& c : cases) {
      for (const text::PadSide side : {text::PadSide::kPre, text::PadSide::kPost}) {
        const std::string label = std::string(c.name) + (side == text::PadSide::kPre ? ", pre" : ", post");
        SCOPED_TRACE(label);
        const Model model = train_model(c.layers, training, side, c.binary);
        const CommandResult result = compare_with_onnx_runtime(model, texts, root_ / "onnx");
        EXPECT_EQ(result.status, 0) << result.output;
        std::cout << label << ": " << result.output;
      }
    }
  }
};

using nlohmann::json;

TEST_F(OnnxLayersTest, Conv1dMatchesOnnxRuntime) {
  expect_onnx_runtime_agrees({
      {"same, odd kernel, relu",
       json::array({{{"type", "conv1d"}, {"filters", 6}, {"kernel_size", 3}, {"activation", "relu"}, {"padding", "same"}},
                    {{"type", "global_average_pooling1d"}, {"mask", true}}})},
      {"same, even kernel, linear",
       json::array({{{"type", "conv1d"}, {"filters", 5}, {"kernel_size", 4}, {"activation", "linear"}, {"padding", "same"}},
                    {{"type", "global_max_pooling1d"}, {"mask", true}}})},
      {"valid, tanh, sigmoid output",
       json::array({{{"type", "conv1d"}, {"filters", 4}, {"kernel_size", 3}, {"activation", "tanh"}, {"padding", "valid"}},
                    {{"type", "global_average_pooling1d"}, {"mask", false}}}),
       true},
  });
}

TEST_F(OnnxLayersTest, GlobalMaxPoolingMatchesOnnxRuntime) {
  expect_onnx_runtime_agrees({
      {"masked", json::array({{{"type", "global_max_pooling1d"}, {"mask", true}}})},
      {"unmasked", json::array({{{"type", "global_max_pooling1d"}, {"mask", false}},
                                {{"type", "dropout"}, {"rate", 0.2}}})},
  });
}

TEST_F(OnnxLayersTest, LayerNormalizationMatchesOnnxRuntime) {
  expect_onnx_runtime_agrees({
      {"over positions and over pooled features",
       json::array({{{"type", "layer_normalization"}},
                    {{"type", "global_average_pooling1d"}, {"mask", true}},
                    {{"type", "layer_normalization"}, {"epsilon", 0.01}}})},
  });
}

TEST_F(OnnxLayersTest, LstmMatchesOnnxRuntime) {
  expect_onnx_runtime_agrees({
      {"final state", json::array({{{"type", "lstm"}, {"units", 6}}})},
      {"bidirectional final state", json::array({{{"type", "lstm"}, {"units", 5}, {"bidirectional", true}}})},
      {"bidirectional sequences, masked max pooling",
       json::array({{{"type", "lstm"}, {"units", 4}, {"bidirectional", true}, {"return_sequences", true}},
                    {{"type", "global_max_pooling1d"}, {"mask", true}}}),
       true},
  });
}

TEST_F(OnnxLayersTest, GruMatchesOnnxRuntime) {
  expect_onnx_runtime_agrees({
      {"final state", json::array({{{"type", "gru"}, {"units", 6}}})},
      {"bidirectional final state", json::array({{{"type", "gru"}, {"units", 5}, {"bidirectional", true}}}), true},
      {"sequences, masked average pooling",
       json::array({{{"type", "gru"}, {"units", 4}, {"return_sequences", true}},
                    {{"type", "global_average_pooling1d"}, {"mask", true}}})},
  });
}

TEST_F(OnnxLayersTest, TransformerEncoderMatchesOnnxRuntime) {
  expect_onnx_runtime_agrees({
      {"padding mask, masked average pooling",
       json::array({{{"type", "transformer_encoder"}, {"num_heads", 2}, {"ff_dim", 12}},
                    {{"type", "global_average_pooling1d"}, {"mask", true}}})},
      // Unmasked pooling passes the attention output of padding positions on, so rows whose keys
      // are all padding reach the probabilities.
      {"padding mask, unmasked average pooling",
       json::array({{{"type", "transformer_encoder"}, {"num_heads", 2}, {"ff_dim", 12}},
                    {{"type", "global_average_pooling1d"}, {"mask", false}}})},
      {"no mask, unmasked max pooling",
       json::array({{{"type", "transformer_encoder"}, {"num_heads", 4}, {"ff_dim", 6}, {"mask", false}},
                    {{"type", "global_max_pooling1d"}, {"mask", false}}}),
       true},
      {"after conv1d, one head",
       json::array({{{"type", "conv1d"}, {"filters", 6}, {"kernel_size", 3}, {"activation", "relu"}, {"padding", "same"}},
                    {{"type", "transformer_encoder"}, {"num_heads", 1}, {"ff_dim", 8}, {"epsilon", 0.01}},
                    {{"type", "global_max_pooling1d"}, {"mask", true}}})},
  });
}

// One graph with every layer type passes onnx.checker with full_check, which also runs ONNX
// shape inference over every node.
TEST_F(OnnxLayersTest, GraphWithEveryLayerPassesChecker) {
  if (!onnxruntime_available()) GTEST_SKIP() << kOnnxRuntimeMissing;
  const json layers = json::array(
      {{{"type", "conv1d"}, {"filters", 8}, {"kernel_size", 3}, {"activation", "relu"}, {"padding", "same"}},
       {{"type", "transformer_encoder"}, {"num_heads", 2}, {"ff_dim", 8}},
       {{"type", "lstm"}, {"units", 4}, {"bidirectional", true}, {"return_sequences", true}},
       {{"type", "gru"}, {"units", 4}, {"return_sequences", true}},
       {{"type", "layer_normalization"}},
       {{"type", "global_max_pooling1d"}, {"mask", true}},
       {{"type", "dense"}, {"units", 6}, {"activation", "relu"}},
       {{"type", "dropout"}, {"rate", 0.1}}});
  const Model model = train_model(layers, make_texts(32, 3), text::PadSide::kPre, false);
  export_onnx(model, root_ / "onnx");
  const CommandResult result = run_command(
      "python3 -c 'import sys, onnx; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True); "
      "print(\"checker passed\")' " + (root_ / "onnx" / kOnnxModelFile).string());
  EXPECT_EQ(result.status, 0) << result.output;
  EXPECT_NE(result.output.find("checker passed"), std::string::npos) << result.output;
}

// Returns the initializer `name` of the exported graph of `model`.
onnx::TensorProto exported_initializer(const Model& model, const std::string& name) {
  onnx::ModelProto proto;
  EXPECT_TRUE(proto.ParseFromString(onnx_model_bytes(model)));
  for (const onnx::TensorProto& initializer : proto.graph().initializer()) {
    if (initializer.name() == name) return initializer;
  }
  ADD_FAILURE() << "the graph has no initializer " << name;
  return {};
}

std::vector<float> float_values(const onnx::TensorProto& tensor) {
  std::vector<float> values(tensor.raw_data().size() / sizeof(float));
  std::memcpy(values.data(), tensor.raw_data().data(), tensor.raw_data().size());
  return values;
}

// Sets every element of `parameter` to its flat index, so that each exported value shows where
// it came from.
void fill_with_index(nn::Sequential& network, const std::string& name) {
  for (nn::Parameter& parameter : network.parameters()) {
    if (parameter.name != name) continue;
    for (std::int64_t i = 0; i < parameter.value.numel(); ++i) parameter.value.data<float>()[i] = static_cast<float>(i);
  }
}

// maas keeps oneDNN's LSTM gate order i, f, c, o in a kernel [D, in, 4 H], and ONNX expects W
// [D, 4 H, in] with gates i, o, f, c. With H = 2 and in = 8 (the embedding size), maas element
// (input i, gate g, unit u) has index i * 8 + g * 2 + u.
TEST_F(OnnxLayersTest, LstmWeightsFollowOnnxGateOrder) {
  Model model = train_model(json::array({{{"type", "lstm"}, {"units", 2}}}), make_texts(16, 5), text::PadSide::kPre,
                            false);
  fill_with_index(model.network, "layers.1.lstm.kernel");
  fill_with_index(model.network, "layers.1.lstm.bias");

  const onnx::TensorProto w = exported_initializer(model, "layers.1.lstm.kernel");
  ASSERT_EQ(w.dims_size(), 3);
  EXPECT_EQ(w.dims(0), 1);
  EXPECT_EQ(w.dims(1), 8);
  EXPECT_EQ(w.dims(2), 8);
  const std::vector<float> values = float_values(w);
  ASSERT_EQ(values.size(), 64u);
  EXPECT_EQ(values[0 * 8 + 0], 0.0f);   // ONNX row 0 (i, unit 0), input 0: maas i, unit 0
  EXPECT_EQ(values[2 * 8 + 1], 14.0f);  // ONNX row 2 (o, unit 0), input 1: maas gate 3, unit 0
  EXPECT_EQ(values[5 * 8 + 2], 19.0f);  // ONNX row 5 (f, unit 1), input 2: maas gate 1, unit 1
  EXPECT_EQ(values[7 * 8 + 0], 5.0f);   // ONNX row 7 (c, unit 1), input 0: maas gate 2, unit 1

  const std::vector<float> bias = float_values(exported_initializer(model, "layers.1.lstm.bias"));
  const std::vector<float> expected_bias = {0, 1, 6, 7, 2, 3, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(bias, expected_bias);
}

// The GRU bias [D, 4 H] contains z, r, h and the recurrent candidate bias; ONNX B is Wb (z, r, h)
// then Rb (z, r, h), with the candidate bias in the h block of Rb (linear_before_reset = 1).
TEST_F(OnnxLayersTest, GruBiasSplitsIntoInputAndRecurrent) {
  Model model = train_model(json::array({{{"type", "gru"}, {"units", 2}}}), make_texts(16, 5), text::PadSide::kPre,
                            false);
  fill_with_index(model.network, "layers.1.gru.bias");
  const std::vector<float> bias = float_values(exported_initializer(model, "layers.1.gru.bias"));
  const std::vector<float> expected = {0, 1, 2, 3, 4, 5, 0, 0, 0, 0, 6, 7};
  EXPECT_EQ(bias, expected);
}

}  // namespace
}  // namespace maas::io
