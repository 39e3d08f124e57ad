// A text's probabilities do not depend on the batch it is in. Int8 models (versions 2 and 3) give
// bit-identical results, because QuantizedNetwork computes each text on its own. Float models run
// oneDNN on the whole batch, whose summation order may depend on the batch size, so they are only
// checked to 1e-6.

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/io/artifact.h"
#include "maas/classifier.hpp"

namespace maas {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> game_intent_texts(const char* file) {
  std::ifstream in(fs::path(MAAS_SOURCE_DIR) / "data" / "game_intents" / file);
  std::vector<std::string> texts;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) texts.push_back(line.substr(0, line.rfind(',')));
  return texts;
}

class BatchInvarianceTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    char name[] = "/tmp/maas-batch-XXXXXX";
    ASSERT_NE(::mkdtemp(name), nullptr);
    root_ = name;
    text::TokenizerOptions options;
    options.oov_token = "<oov>";
    text::WordTokenizer tokenizer(options);
    tokenizer.fit_on_texts(game_intent_texts("train.csv"));
    const text::TextEncoder encoder(std::move(tokenizer), text::PadOptions{32});
    nn::Sequential network = nn::Sequential::from_json(nlohmann::json::parse(
        R"({"layers": [{"type": "embedding", "input_dim": )" + std::to_string(encoder.vocab_size()) +
        R"(, "output_dim": 64}, {"type": "global_average_pooling1d", "mask": true},
            {"type": "dense", "units": 64, "activation": "relu"},
            {"type": "dense", "units": 6, "activation": "softmax"}]})"));
    network.initialize(3);
    io::ModelManifest manifest;
    manifest.name = "intents";
    manifest.labels = {"attack", "greeting", "help_request", "insult", "quest", "trade"};
    if (GetParam()) {
      io::save_quantized_artifact(root_ / "model", manifest, network, encoder);
    } else {
      io::save_artifact(root_ / "model", manifest, network, encoder);
    }
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path root_;
};

TEST_P(BatchInvarianceTest, TextGetsSameOutputInAnyBatch) {
  const Classifier classifier = Classifier::load((root_ / "model").string());
  std::vector<std::string> texts = game_intent_texts("test.csv");
  texts.resize(64);
  const std::vector<Prediction> batch64 = classifier.classify(texts);
  const std::vector<Prediction> batch7 = classifier.classify(std::vector<std::string>(texts.begin(), texts.begin() + 7));
  for (std::size_t row = 0; row < texts.size(); ++row) {
    const Prediction alone = classifier.classify(texts[row]);
    for (std::size_t c = 0; c < alone.probabilities.size(); ++c) {
      if (GetParam()) {
        EXPECT_EQ(alone.probabilities[c], batch64[row].probabilities[c]) << "text " << row << " label " << c;
      } else {
        EXPECT_NEAR(alone.probabilities[c], batch64[row].probabilities[c], 1e-6) << "text " << row << " label " << c;
      }
      if (row >= 7) continue;
      if (GetParam()) {
        EXPECT_EQ(alone.probabilities[c], batch7[row].probabilities[c]) << "text " << row << " label " << c;
      } else {
        EXPECT_NEAR(alone.probabilities[c], batch7[row].probabilities[c], 1e-6) << "text " << row << " label " << c;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(FloatAndInt8, BatchInvarianceTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) { return info.param ? "Int8" : "Float"; });

}  // namespace
}  // namespace maas
