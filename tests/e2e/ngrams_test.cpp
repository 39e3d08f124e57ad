// End-to-end tests of hashed word n-grams. Each trains a bigram model with the maas binary and
// checks that the artifact, `maas tokenize`, int8 and ONNX export, and `maas serve` all use the
// n-gram ids. Models that read token order must reject n-grams.

#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/e2e/process.h"

namespace maas::testing {
namespace {

constexpr int kBuckets = 1000;

const std::vector<std::string> kTexts = {
    "wts frostvein ore 20g each", "help pls stuck in the cave", "hello everyone", "uninstall noob", "", "我爱游戏 gg",
};

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

std::string joined_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

// Probabilities per text from `maas predict MODEL`: the "probabilities" object (label -> probability) of each line.
std::vector<nlohmann::json> predict_lines(const std::string& model) {
  const RunResult result = run_maas({"predict", model}, joined_lines(kTexts));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::vector<nlohmann::json> rows;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) rows.push_back(nlohmann::json::parse(line).at("probabilities"));
  return rows;
}

class NgramModelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    workspace_ = std::make_unique<TempDir>();
    const std::string run = workspace_->path() + "/run";
    const RunResult trained =
        run_maas({"train", MAAS_SOURCE_DIR "/configs/text.yaml", "--no-progress", "--set", "training.epochs=5", "--set",
                  "tokenizer.ngrams=2", "--set", "tokenizer.ngram_buckets=" + std::to_string(kBuckets), "--set",
                  "tokenizer.max_length=64", "--set", "output=" + run});
    ASSERT_EQ(trained.exit_code, 0) << trained.err;
    model_ = run + "/model";
  }

  static void TearDownTestSuite() { workspace_.reset(); }

  static std::unique_ptr<TempDir> workspace_;
  static std::string model_;
};

std::unique_ptr<TempDir> NgramModelTest::workspace_;
std::string NgramModelTest::model_;

TEST_F(NgramModelTest, ArtifactRecordsNgramsAndGrowsEmbedding) {
  const nlohmann::json tokenizer = read_json(model_ + "/tokenizer.json");
  EXPECT_EQ(tokenizer["version"], 2);
  EXPECT_EQ(tokenizer["ngrams"], (nlohmann::json{{"n", 2}, {"buckets", kBuckets}, {"hash", "fnv1a64"}}));
  const std::size_t words = tokenizer["tokenizer"]["word_index"].size();
  const nlohmann::json manifest = read_json(model_ + "/manifest.json");
  EXPECT_EQ(manifest["architecture"]["layers"][0]["input_dim"], words + kBuckets);
}

TEST_F(NgramModelTest, TokenizeEncodeEmitsNgramIds) {
  const std::size_t words = read_json(model_ + "/tokenizer.json")["tokenizer"]["word_index"].size();
  const RunResult encoded = run_maas({"tokenize", "encode", "--model", model_, "--json"}, "hello everyone\n");
  ASSERT_EQ(encoded.exit_code, 0) << encoded.err;
  const std::vector<int> ids = nlohmann::json::parse(encoded.out)["ids"].get<std::vector<int>>();
  ASSERT_EQ(ids.size(), 64u);
  // Two words and their bigram, after 61 padding ids; the bigram id follows the vocabulary.
  EXPECT_EQ(ids[60], 0);
  EXPECT_GT(ids[61], 0);
  EXPECT_GT(ids[62], 0);
  EXPECT_GE(ids[63], static_cast<int>(words));
  EXPECT_LT(ids[63], static_cast<int>(words) + kBuckets);
}

TEST_F(NgramModelTest, Int8ExportKeepsNgramsAndPredictions) {
  const std::string repository = workspace_->path() + "/int8";
  const RunResult exported =
      run_maas({"export", model_, "--output", repository, "--name", "bigrams", "--quantize", "int8"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const std::string quantized = repository + "/bigrams/1";
  EXPECT_EQ(read_json(quantized + "/tokenizer.json")["ngrams"]["buckets"], kBuckets);

  const std::vector<nlohmann::json> expected = predict_lines(model_);
  const std::vector<nlohmann::json> actual = predict_lines(quantized);
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    for (const auto& [label, probability] : expected[i].items()) {
      EXPECT_NEAR(actual[i][label].get<double>(), probability.get<double>(), 0.02) << "text " << i << " " << label;
    }
  }
}

TEST_F(NgramModelTest, OnnxExportWritesNgramTokenizer) {
  const std::string folder = workspace_->path() + "/onnx";
  const RunResult exported = run_maas({"export", model_, "--format", "onnx", "--output", folder});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(read_json(folder + "/tokenizer.json")["ngrams"]["n"], 2);
}

TEST_F(NgramModelTest, ServeMatchesPredict) {
  const std::string repository = workspace_->path() + "/models";
  const RunResult exported = run_maas({"export", model_, "--output", repository, "--name", "bigrams"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  ServerProcess server({"serve", "--model-dir", repository, "--port", "0"});
  httplib::Client http("127.0.0.1", server.port());
  http.set_connection_timeout(5);
  http.set_read_timeout(10);
  const auto response =
      http.Post("/v1/models/bigrams:predict", nlohmann::json{{"instances", kTexts}}.dump(), "application/json");
  ASSERT_TRUE(response);
  ASSERT_EQ(response->status, 200) << response->body;
  const nlohmann::json predictions = nlohmann::json::parse(response->body).at("predictions");
  const nlohmann::json labels = read_json(model_ + "/manifest.json").at("labels");

  const std::vector<nlohmann::json> expected = predict_lines(model_);
  ASSERT_EQ(predictions.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    for (std::size_t column = 0; column < labels.size(); ++column) {
      const std::string label = labels[column].get<std::string>();
      EXPECT_NEAR(predictions[i][column].get<double>(), expected[i][label].get<double>(), 1e-6)
          << "text " << i << " label " << label;
    }
  }
}

TEST(NgramConfig, OrderReadingModelsAreRejected) {
  TempDir workspace;
  const RunResult result =
      run_maas({"train", MAAS_SOURCE_DIR "/configs/gametox_conv.yaml", "--no-progress", "--set", "tokenizer.ngrams=2",
                "--set", "data.train=" MAAS_SOURCE_DIR "/data/game_intents/train.csv", "--set",
                "output=" + workspace.path() + "/run"});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(result.err.find("tokenizer.ngrams"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("conv1d"), std::string::npos) << result.err;
}

TEST(NgramConfig, BucketsWithoutNgramsWarn) {
  const std::string config = MAAS_SOURCE_DIR "/configs/text.yaml";
  const RunResult unused = run_maas({"train", config, "--set", "tokenizer.ngram_buckets=1000", "--dump-config"});
  ASSERT_EQ(unused.exit_code, 0) << unused.err;
  EXPECT_NE(unused.err.find("--set tokenizer.ngram_buckets=1000: tokenizer.ngram_buckets is 1000, but "
                            "tokenizer.ngrams is 1"),
            std::string::npos)
      << unused.err;

  // A dumped config lists the default bucket count, and reloading it must stay quiet.
  const RunResult defaulted = run_maas({"train", config, "--set", "tokenizer.ngram_buckets=2000000", "--dump-config"});
  ASSERT_EQ(defaulted.exit_code, 0) << defaulted.err;
  EXPECT_EQ(defaulted.err.find("ngram_buckets"), std::string::npos) << defaulted.err;

  const RunResult used = run_maas(
      {"train", config, "--set", "tokenizer.ngram_buckets=1000", "--set", "tokenizer.ngrams=2", "--dump-config"});
  ASSERT_EQ(used.exit_code, 0) << used.err;
  EXPECT_EQ(used.err.find("ngram_buckets"), std::string::npos) << used.err;
}

}  // namespace
}  // namespace maas::testing
