// Golden artifacts: small models saved by an earlier maas under tests/golden/vN/, with the
// probabilities that maas computed for them stored beside each one as NAME.expected.json. Every
// later maas must keep loading them and must reproduce those probabilities, so a change to the
// format or to inference that breaks old models fails here.

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/io/artifact.h"
#include "core/io/file_io.h"
#include "core/io/safetensors.h"

namespace maas::io {
namespace {

namespace fs = std::filesystem;

const fs::path kGoldenRoot = fs::path(MAAS_SOURCE_DIR) / "tests" / "golden";

// Texts that cover the tokenizer's paths: known words, unknown words (OOV), words cut by
// num_words, an empty text (all padding), a text longer than max_length, and case folding.
const std::vector<std::string> kGoldenTexts = {
    "gg wp team", "buy sword cheap", "GG EZ", "", "selling shield, cheap cheap!",
    "unknown words only", "gg wp team buy sword cheap sell shield", "ez"};

struct GoldenCase {
  const char* folder;  // under tests/golden/
  const char* name;    // model folder NAME and NAME.expected.json
};

const std::vector<GoldenCase> kGoldenCases = {
    {"v1", "intents"}, {"v1", "toxic"}, {"v2", "intents"}, {"v2", "toxic"}, {"v3", "intents"}, {"v3", "toxic"},
    // intents_recurrent: int8 conv1d and bidirectional GRU kernels. intents_encoder: int8
    // transformer encoder and LSTM kernels.
    {"v3", "intents_recurrent"}, {"v3", "intents_encoder"}};

using Probabilities = std::vector<std::vector<float>>;

struct Expected {
  std::vector<std::string> texts;
  Probabilities probabilities;
};

// Runs `model` on `texts` the way infer::Predictor does (io tests link only io): encode, one
// batch through the network, and a binary model's sigmoid p reported as {1 - p, p}.
Probabilities predict_with(const Model& model, const std::vector<std::string>& texts) {
  const int length = model.encoder.max_length();
  Tensor ids({static_cast<std::int64_t>(texts.size()), length}, DType::kInt32);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    model.encoder.encode_into(texts[i], ids.data<int32_t>() + i * static_cast<std::size_t>(length));
  }
  const Tensor output = model.network.predict(ids);
  const auto outputs = static_cast<std::size_t>(model.network.outputs());
  const float* p = output.data<float>();
  Probabilities rows;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (outputs == 1) {
      rows.push_back({1.0f - p[i], p[i]});
    } else {
      rows.emplace_back(p + i * outputs, p + (i + 1) * outputs);
    }
  }
  return rows;
}

Expected read_expected(const GoldenCase& golden) {
  const nlohmann::json j = nlohmann::json::parse(
      read_file(kGoldenRoot / golden.folder / (std::string(golden.name) + ".expected.json")));
  return {j.at("texts").get<std::vector<std::string>>(),
          j.at("probabilities").get<Probabilities>()};
}

TEST(GoldenArtifact, LoadsAndReproducesStoredProbabilities) {
  for (const GoldenCase& golden : kGoldenCases) {
    SCOPED_TRACE(std::string(golden.folder) + "/" + golden.name);
    const Model model = load_artifact(kGoldenRoot / golden.folder / golden.name);
    const Expected expected = read_expected(golden);
    const Probabilities actual = predict_with(model, expected.texts);
    ASSERT_EQ(actual.size(), expected.probabilities.size());
    for (std::size_t row = 0; row < actual.size(); ++row) {
      ASSERT_EQ(actual[row].size(), expected.probabilities[row].size()) << "text " << row;
      for (std::size_t column = 0; column < actual[row].size(); ++column) {
        // oneDNN may pick another instruction set on another CPU, which changes the order of
        // float additions; 1e-6 allows for that and nothing more.
        EXPECT_NEAR(actual[row][column], expected.probabilities[row][column], 1e-6)
            << "text " << row << " \"" << expected.texts[row] << "\" label " << column;
      }
    }
  }
}

// Reads the tensor `name` of the golden weights as floats.
std::vector<float> golden_tensor(const std::map<std::string, Tensor>& tensors, const std::string& name) {
  const Tensor& tensor = tensors.at(name);
  const float* data = tensor.data<float>();
  return std::vector<float>(data, data + tensor.numel());
}

// Runs the intents model (embedding [8, 4], masked mean, dense [3, 4] relu, dense [3, 3]
// softmax) with plain loops over the stored tensors. As docs/FORMAT.md says, dense kernels are
// [units, in], so unit u's output is bias[u] + sum_i kernel[u, i] * x[i].
std::vector<float> intents_by_hand(const std::map<std::string, Tensor>& tensors,
                                   const std::vector<int32_t>& ids) {
  const std::vector<float> table = golden_tensor(tensors, "layers.0.embedding.embeddings");
  const std::vector<float> kernel1 = golden_tensor(tensors, "layers.2.dense.kernel");
  const std::vector<float> bias1 = golden_tensor(tensors, "layers.2.dense.bias");
  const std::vector<float> kernel2 = golden_tensor(tensors, "layers.3.dense.kernel");
  const std::vector<float> bias2 = golden_tensor(tensors, "layers.3.dense.bias");

  std::vector<double> pooled(4, 0.0);
  int counted = 0;
  for (const int32_t id : ids) {
    if (id == 0) continue;  // the mask leaves padding out of the mean
    ++counted;
    for (int d = 0; d < 4; ++d) pooled[d] += table[id * 4 + d];
  }
  for (double& value : pooled) value = counted == 0 ? 0.0 : value / counted;

  std::vector<double> hidden(3);
  for (int u = 0; u < 3; ++u) {
    double sum = bias1[u];
    for (int i = 0; i < 4; ++i) sum += kernel1[u * 4 + i] * pooled[i];
    hidden[u] = std::max(sum, 0.0);
  }
  std::vector<double> logits(3);
  double max_logit = -1e30;
  for (int u = 0; u < 3; ++u) {
    double sum = bias2[u];
    for (int i = 0; i < 3; ++i) sum += kernel2[u * 3 + i] * hidden[i];
    logits[u] = sum;
    max_logit = std::max(max_logit, sum);
  }
  double total = 0.0;
  for (double& logit : logits) total += (logit = std::exp(logit - max_logit));
  std::vector<float> probabilities;
  for (const double value : logits) probabilities.push_back(static_cast<float>(value / total));
  return probabilities;
}

TEST(GoldenArtifact, TensorLayoutMatchesFormatDocument) {
  const fs::path model = kGoldenRoot / "v1" / "intents";
  const auto tensors = decode_safetensors(read_file(model / kWeightsFile), "golden");
  EXPECT_EQ(tensors.at("layers.0.embedding.embeddings").shape(), (std::vector<std::int64_t>{8, 4}));
  EXPECT_EQ(tensors.at("layers.2.dense.kernel").shape(), (std::vector<std::int64_t>{3, 4}));
  EXPECT_EQ(tensors.at("layers.3.dense.kernel").shape(), (std::vector<std::int64_t>{3, 3}));

  const text::TextEncoder encoder = load_artifact(model).encoder;
  const Expected expected = read_expected({"v1", "intents"});
  for (std::size_t row = 0; row < expected.texts.size(); ++row) {
    const std::vector<float> by_hand = intents_by_hand(tensors, encoder.encode(expected.texts[row]));
    for (std::size_t column = 0; column < by_hand.size(); ++column) {
      EXPECT_NEAR(by_hand[column], expected.probabilities[row][column], 1e-6)
          << "text " << row << " label " << column;
    }
  }
}

TEST(GoldenArtifact, TokenizerIdsMatchHandEncoding) {
  // Vocabulary of the intents model by descending count: 1 <oov>, 2 gg, 3 cheap, 4 wp, 5 team,
  // 6 buy, 7 sword; num_words 8 keeps ids below 8, so "sell", "shield" and "ez" become <oov>.
  // max_length 5 with pre padding and pre truncation keeps the last 5 ids.
  const text::TextEncoder encoder = load_artifact(kGoldenRoot / "v1" / "intents").encoder;
  EXPECT_EQ(encoder.encode("gg wp team"), (std::vector<int32_t>{0, 0, 2, 4, 5}));
  EXPECT_EQ(encoder.encode("GG EZ"), (std::vector<int32_t>{0, 0, 0, 2, 1}));
  EXPECT_EQ(encoder.encode(""), (std::vector<int32_t>{0, 0, 0, 0, 0}));
  EXPECT_EQ(encoder.encode("gg wp team buy sword cheap sell shield"),
            (std::vector<int32_t>{6, 7, 3, 1, 1}));
}

TEST(GoldenArtifact, Version3MatchesVersion2) {
  // Both sets hold the same int8 weights; version 3 keeps only the words below num_words, so the
  // intents tokenizer drops "sell", "shield" and "ez", which encode as <oov> either way.
  for (const char* name : {"intents", "toxic"}) {
    SCOPED_TRACE(name);
    const Model v2 = load_artifact(kGoldenRoot / "v2" / name);
    const Model v3 = load_artifact(kGoldenRoot / "v3" / name);
    EXPECT_EQ(v3.manifest.format_version, 3);
    EXPECT_TRUE(v3.inference_tokenizer);
    EXPECT_EQ(v3.encoder.tokenizer().index_word().size(), 8u);
    EXPECT_EQ(v2.encoder.tokenizer().index_word().size(), 11u);
    for (const std::string& text : kGoldenTexts) {
      EXPECT_EQ(v3.encoder.encode(text), v2.encoder.encode(text)) << text;
    }
    EXPECT_EQ(predict_with(v3, kGoldenTexts), predict_with(v2, kGoldenTexts));
  }
}

// Writes the golden models. Run only by hand, to add a golden set for a new format version
// (never to overwrite an existing one). MAAS_GOLDEN_FORMAT=3 writes int8 models, which
// save_quantized_artifact writes as version 3. tests/golden/v2 contains the int8 models it wrote
// before tokenizer.json was reduced to the inference document:
//   MAAS_GOLDEN_OUT=tests/golden/v3 MAAS_GOLDEN_FORMAT=3 maas_io_tests --gtest_also_run_disabled_tests --gtest_filter='*WriteGolden*'
TEST(GoldenArtifact, DISABLED_WriteGoldenModels) {
  const char* out = std::getenv("MAAS_GOLDEN_OUT");
  ASSERT_NE(out, nullptr) << "set MAAS_GOLDEN_OUT to the folder to write";
  const char* format = std::getenv("MAAS_GOLDEN_FORMAT");
  const bool quantized = format != nullptr && std::string(format) == "3";

  text::TokenizerOptions options;
  options.num_words = 8;
  options.oov_token = "<oov>";
  text::WordTokenizer tokenizer(options);
  tokenizer.fit_on_texts({"gg wp team", "buy sword cheap", "sell shield gg cheap", "gg ez"});

  struct Spec {
    const char* name;
    const char* architecture;
    std::vector<std::string> labels;
    text::PadOptions padding;
  };
  const std::vector<Spec> specs = {
      {"intents",
       R"({"layers": [{"type": "embedding", "input_dim": 8, "output_dim": 4},
                      {"type": "global_average_pooling1d", "mask": true},
                      {"type": "dense", "units": 3, "activation": "relu"},
                      {"type": "dense", "units": 3, "activation": "softmax"}]})",
       {"greet", "trade", "other"},
       {5, text::PadSide::kPre, text::PadSide::kPre, 0}},
      {"toxic",
       R"({"layers": [{"type": "embedding", "input_dim": 9, "output_dim": 3},
                      {"type": "global_average_pooling1d", "mask": false},
                      {"type": "dense", "units": 2, "activation": "tanh"},
                      {"type": "dropout", "rate": 0.5},
                      {"type": "dense", "units": 1, "activation": "sigmoid"}]})",
       {"clean", "toxic"},
       {4, text::PadSide::kPost, text::PadSide::kPost, 0}},
  };
  for (const Spec& spec : specs) {
    nn::Sequential network = nn::Sequential::from_json(nlohmann::json::parse(spec.architecture));
    network.initialize(11);
    // Keras initialises biases to zero; non-zero biases make the golden check cover them too.
    for (nn::Parameter& parameter : network.parameters()) {
      if (parameter.name.ends_with(".bias")) {
        for (std::int64_t i = 0; i < parameter.value.numel(); ++i) {
          parameter.value.data<float>()[i] = 0.125f * static_cast<float>(i + 1);
        }
      }
    }
    ModelManifest manifest;
    manifest.name = spec.name;
    manifest.labels = spec.labels;
    manifest.training = {{"config", {{"note", "golden model with initial weights, not trained"}}},
                         {"metrics", nlohmann::json::object()}};
    const fs::path dir = fs::path(out) / spec.name;
    text::TextEncoder encoder(tokenizer, spec.padding);
    if (quantized) {
      save_quantized_artifact(dir, manifest, network, encoder);
    } else {
      save_artifact(dir, manifest, network, encoder);
    }

    const Probabilities probabilities = predict_with(load_artifact(dir), kGoldenTexts);
    nlohmann::ordered_json expected;
    expected["texts"] = kGoldenTexts;
    expected["probabilities"] = probabilities;
    write_file_atomic(fs::path(out) / (std::string(spec.name) + ".expected.json"),
                      expected.dump(2) + "\n");
  }
}

}  // namespace
}  // namespace maas::io
