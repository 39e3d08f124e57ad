// Valid configs: every value read, every default filled, paths resolved.

#include <gtest/gtest.h>

#include "tests/config/config_test_helpers.h"

namespace maas::config {
namespace {

using testing::kMinimalYaml;
using testing::kSource;

// The quickstart config, with every key set (several to values other than the default).
constexpr std::string_view kFullYaml = R"yaml(data:
  train: ../data/game_intents/train.csv
  test: ../data/game_intents/test.csv
  validation: null
  format: csv
  text_column: utterance
  label_column: intent
tokenizer:
  num_words: 5000
  max_length: 128
  padding: post
  truncating: post
  lower: false
  filters: "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n"
  split: "|"
  char_level: true
  oov_token: "<OOV>"
  split_cjk: false
model:
  layers:
    - embedding: {dim: 64, input_dim: 6000}
    - global_average_pooling1d: {mask: false}
    - dense: {units: 64, activation: relu}
    - dropout: {rate: 0.5}
    - dense: {activation: auto}
training:
  optimizer: {name: adam, learning_rate: 0.002, beta_1: 0.8, beta_2: 0.99, epsilon: 1e-8}
  epochs: 12
  batch_size: 16
  seed: 18446744073709551615
  validation_split: 0.25
  shuffle: false
  threads: 2
output: {dir: ../runs/text, name: quickstart}
)yaml";

TEST(ParseConfig, ReadsEveryKeyOfFullConfig) {
  const ExperimentConfig config = parse_config(kFullYaml, kSource);

  EXPECT_EQ(config.source, "/work/exp/configs/text.yaml");
  EXPECT_EQ(config.data.train, "/work/exp/data/game_intents/train.csv");
  EXPECT_EQ(config.data.test, "/work/exp/data/game_intents/test.csv");
  EXPECT_TRUE(config.data.validation.empty());
  EXPECT_EQ(config.data.format, "csv");
  EXPECT_EQ(config.data.text_column, "utterance");
  EXPECT_EQ(config.data.label_column, "intent");

  EXPECT_EQ(config.tokenizer.num_words, 5000);
  EXPECT_EQ(config.tokenizer.max_length, 128);
  EXPECT_EQ(config.tokenizer.padding, "post");
  EXPECT_EQ(config.tokenizer.truncating, "post");
  EXPECT_FALSE(config.tokenizer.lower);
  EXPECT_EQ(config.tokenizer.filters, kKerasFilters);
  EXPECT_EQ(config.tokenizer.split, "|");
  EXPECT_TRUE(config.tokenizer.char_level);
  EXPECT_EQ(config.tokenizer.oov_token, "<OOV>");
  EXPECT_FALSE(config.tokenizer.split_cjk);

  const std::vector<LayerConfig>& layers = config.model.layers;
  ASSERT_EQ(layers.size(), 5u);
  EXPECT_EQ(layers[0].type, "embedding");
  EXPECT_EQ(layers[0].dim, 64);
  EXPECT_EQ(layers[0].input_dim, 6000);
  EXPECT_EQ(layers[0].line, 21);
  EXPECT_EQ(layers[1].type, "global_average_pooling1d");
  EXPECT_FALSE(layers[1].mask);
  EXPECT_EQ(layers[1].line, 22);
  EXPECT_EQ(layers[2].type, "dense");
  EXPECT_EQ(layers[2].units, 64);
  EXPECT_EQ(layers[2].activation, "relu");
  EXPECT_EQ(layers[3].type, "dropout");
  EXPECT_DOUBLE_EQ(layers[3].rate, 0.5);
  EXPECT_EQ(layers[4].type, "dense");
  EXPECT_EQ(layers[4].units, std::nullopt);
  EXPECT_EQ(layers[4].activation, "auto");
  EXPECT_EQ(layers[4].line, 25);

  const TrainingConfig& training = config.training;
  EXPECT_EQ(training.optimizer.name, "adam");
  EXPECT_DOUBLE_EQ(training.optimizer.learning_rate, 0.002);
  EXPECT_DOUBLE_EQ(training.optimizer.beta_1, 0.8);
  EXPECT_DOUBLE_EQ(training.optimizer.beta_2, 0.99);
  EXPECT_DOUBLE_EQ(training.optimizer.epsilon, 1e-8);
  EXPECT_EQ(training.epochs, 12);
  EXPECT_EQ(training.batch_size, 16);
  EXPECT_EQ(training.seed, 18446744073709551615ull);
  EXPECT_DOUBLE_EQ(training.validation_split, 0.25);
  EXPECT_FALSE(training.shuffle);
  EXPECT_EQ(training.threads, 2);

  EXPECT_EQ(config.output.dir, "/work/exp/runs/text");
  EXPECT_EQ(config.output.name, "quickstart");
}

TEST(ParseConfig, FillsEveryDefaultOfMinimalConfig) {
  const ExperimentConfig config = parse_config(kMinimalYaml, kSource);

  EXPECT_EQ(config.data.train, "/work/exp/configs/train.csv");
  EXPECT_TRUE(config.data.test.empty());
  EXPECT_TRUE(config.data.validation.empty());
  EXPECT_EQ(config.data.format, "auto");
  EXPECT_EQ(config.data.text_column, "text");
  EXPECT_EQ(config.data.label_column, "label");

  EXPECT_EQ(config.tokenizer.num_words, 20000);
  EXPECT_EQ(config.tokenizer.max_length, 64);
  EXPECT_EQ(config.tokenizer.padding, "pre");
  EXPECT_EQ(config.tokenizer.truncating, "pre");
  EXPECT_TRUE(config.tokenizer.lower);
  // The Keras Tokenizer default, written out by hand: 31 punctuation marks, tab and newline.
  EXPECT_EQ(config.tokenizer.filters, "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n");
  EXPECT_EQ(config.tokenizer.filters.size(), 33u);
  EXPECT_EQ(config.tokenizer.split, " ");
  EXPECT_FALSE(config.tokenizer.char_level);
  EXPECT_EQ(config.tokenizer.oov_token, std::nullopt);
  EXPECT_TRUE(config.tokenizer.split_cjk);

  const std::vector<LayerConfig>& layers = config.model.layers;
  ASSERT_EQ(layers.size(), 3u);
  EXPECT_EQ(layers[0].input_dim, std::nullopt);
  EXPECT_TRUE(layers[1].mask);
  EXPECT_EQ(layers[2].units, std::nullopt);

  const OptimizerConfig& optimizer = config.training.optimizer;
  EXPECT_EQ(optimizer.name, "adam");
  EXPECT_DOUBLE_EQ(optimizer.learning_rate, 0.001);
  EXPECT_DOUBLE_EQ(optimizer.beta_1, 0.9);
  EXPECT_DOUBLE_EQ(optimizer.beta_2, 0.999);
  EXPECT_DOUBLE_EQ(optimizer.epsilon, 1e-7);
  EXPECT_DOUBLE_EQ(optimizer.momentum, 0.0);
  EXPECT_FALSE(optimizer.nesterov);
  EXPECT_EQ(config.training.epochs, 5);
  EXPECT_EQ(config.training.batch_size, 32);
  EXPECT_EQ(config.training.seed, 1u);
  EXPECT_DOUBLE_EQ(config.training.validation_split, 0.0);
  EXPECT_TRUE(config.training.shuffle);
  EXPECT_EQ(config.training.threads, 0);

  // No output given: runs/<config stem> inside the config folder, named after the stem.
  EXPECT_EQ(config.output.dir, "/work/exp/configs/runs/text");
  EXPECT_EQ(config.output.name, "text");
}

TEST(ParseConfig, DenseDefaultsToLinearActivation) {
  const ExperimentConfig config = parse_config(
      "data: {train: t.csv}\n"
      "model: {layers: [{embedding: {dim: 4}}, {global_average_pooling1d: null}, {dense: {units: "
      "3}}]}\n",
      kSource);
  ASSERT_EQ(config.model.layers.size(), 3u);
  EXPECT_EQ(config.model.layers[2].units, 3);
  EXPECT_EQ(config.model.layers[2].activation, "linear");
  EXPECT_TRUE(config.model.layers[1].mask);  // null settings count as an empty map
}

TEST(ParseConfig, SgdLearningRateDefaultsToKerasValue) {
  const std::string yaml = std::string(kMinimalYaml) + "training:\n  optimizer: {name: sgd}\n";
  const OptimizerConfig optimizer = parse_config(yaml, kSource).training.optimizer;
  EXPECT_EQ(optimizer.name, "sgd");
  EXPECT_DOUBLE_EQ(optimizer.learning_rate, 0.01);
  EXPECT_DOUBLE_EQ(optimizer.momentum, 0.0);
  EXPECT_FALSE(optimizer.nesterov);
}

TEST(ParseConfig, SgdReadsMomentumAndNesterov) {
  const std::string yaml =
      std::string(kMinimalYaml) +
      "training:\n  optimizer: {name: sgd, learning_rate: 0.1, momentum: 0.9, nesterov: true}\n";
  const OptimizerConfig optimizer = parse_config(yaml, kSource).training.optimizer;
  EXPECT_DOUBLE_EQ(optimizer.learning_rate, 0.1);
  EXPECT_DOUBLE_EQ(optimizer.momentum, 0.9);
  EXPECT_TRUE(optimizer.nesterov);
}

TEST(ParseConfig, OptimizerNameAloneIsShorthand) {
  const std::string yaml = std::string(kMinimalYaml) + "training:\n  optimizer: sgd\n";
  const OptimizerConfig optimizer = parse_config(yaml, kSource).training.optimizer;
  EXPECT_EQ(optimizer.name, "sgd");
  EXPECT_DOUBLE_EQ(optimizer.learning_rate, 0.01);
}

TEST(ParseConfig, NullKeepsAllWordsAndNoOovToken) {
  const std::string yaml =
      std::string(kMinimalYaml) + "tokenizer:\n  num_words: null\n  oov_token: ~\n";
  const TokenizerConfig tokenizer = parse_config(yaml, kSource).tokenizer;
  EXPECT_EQ(tokenizer.num_words, std::nullopt);
  EXPECT_EQ(tokenizer.oov_token, std::nullopt);
}

TEST(ParseConfig, QuotedNullIsTextForStrings) {
  const std::string yaml = std::string(kMinimalYaml) + "tokenizer:\n  oov_token: \"null\"\n";
  EXPECT_EQ(parse_config(yaml, kSource).tokenizer.oov_token, "null");
}

TEST(ParseConfig, AcceptsBoundaryValues) {
  const std::string yaml = std::string(kMinimalYaml) +
                           "tokenizer: {num_words: 2, max_length: 100000}\n"
                           "training: {epochs: 2147483647, seed: 0, validation_split: 0.999, "
                           "threads: 0, optimizer: {beta_1: 0, beta_2: 0.0}}\n";
  const ExperimentConfig config = parse_config(yaml, kSource);
  EXPECT_EQ(config.tokenizer.num_words, 2);
  EXPECT_EQ(config.tokenizer.max_length, 100000);
  EXPECT_EQ(config.training.epochs, 2147483647);
  EXPECT_EQ(config.training.seed, 0u);
  EXPECT_DOUBLE_EQ(config.training.validation_split, 0.999);
  EXPECT_DOUBLE_EQ(config.training.optimizer.beta_1, 0.0);
}

TEST(ParseConfig, ValidationFileWithoutSplitIsAccepted) {
  const std::string yaml = R"yaml(data: {train: t.csv, validation: v.csv}
model: {layers: [{embedding: {dim: 4}}, {global_average_pooling1d: {}}, {dense: {units: 2}}]}
training: {validation_split: 0}
)yaml";
  EXPECT_EQ(parse_config(yaml, kSource).data.validation, "/work/exp/configs/v.csv");
}

TEST(ParseConfig, ResolvesPathsAgainstConfigFolder) {
  struct Case {
    std::string written;
    std::filesystem::path expected;
  };
  const std::vector<Case> cases = {
      {"train.csv", "/work/exp/configs/train.csv"},
      {"../data/train.csv", "/work/exp/data/train.csv"},
      {"./a/../b/train.csv", "/work/exp/configs/b/train.csv"},
      {"/srv/data/train.csv", "/srv/data/train.csv"},
      {"/srv/data/../train.csv", "/srv/train.csv"},
      {"\"with space/t.csv\"", "/work/exp/configs/with space/t.csv"},
  };
  for (const Case& c : cases) {
    const std::string yaml = "data:\n  train: " + c.written +
                             "\nmodel: {layers: [{embedding: {dim: 4}}, "
                             "{global_average_pooling1d: {}}, {dense: {units: 2}}]}\n";
    EXPECT_EQ(parse_config(yaml, kSource).data.train, c.expected) << c.written;
  }
}

TEST(ParseConfig, ResolvesOutputAgainstConfigFolder) {
  const std::string as_string = std::string(kMinimalYaml) + "output: ../runs/a\n";
  const ExperimentConfig from_string = parse_config(as_string, kSource);
  EXPECT_EQ(from_string.output.dir, "/work/exp/runs/a");
  EXPECT_EQ(from_string.output.name, "text");

  const std::string as_map = std::string(kMinimalYaml) + "output: {name: b}\n";
  const ExperimentConfig from_map = parse_config(as_map, kSource);
  EXPECT_EQ(from_map.output.dir, "/work/exp/configs/runs/text");
  EXPECT_EQ(from_map.output.name, "b");
}

TEST(ParseConfig, RelativeSourceResolvesAgainstWorkingDirectory) {
  const std::filesystem::path cwd = std::filesystem::current_path();
  const ExperimentConfig config = parse_config(kMinimalYaml, "configs/small.yaml");
  EXPECT_EQ(config.source, (cwd / "configs/small.yaml").lexically_normal());
  EXPECT_EQ(config.data.train, (cwd / "configs/train.csv").lexically_normal());
  EXPECT_EQ(config.output.dir, (cwd / "configs/runs/small").lexically_normal());
  EXPECT_EQ(config.output.name, "small");
}

TEST(ParseConfig, EmptySourceUsesWorkingDirectory) {
  const std::filesystem::path cwd = std::filesystem::current_path();
  const ExperimentConfig config = parse_config(kMinimalYaml, "");
  EXPECT_TRUE(config.source.empty());
  EXPECT_EQ(config.data.train, (cwd / "train.csv").lexically_normal());
  EXPECT_EQ(config.output.name, "experiment");
}

TEST(ParseConfig, ReadsNumbersInEveryYamlForm) {
  struct Case {
    std::string written;
    double expected;
  };
  const std::vector<Case> cases = {
      {"0.5", 0.5}, {"5e-1", 0.5}, {"+0.5", 0.5}, {"1", 1.0}, {"1E-3", 0.001}, {".5", 0.5},
  };
  for (const Case& c : cases) {
    const std::string yaml =
        std::string(kMinimalYaml) + "training:\n  optimizer: {learning_rate: " + c.written + "}\n";
    EXPECT_DOUBLE_EQ(parse_config(yaml, kSource).training.optimizer.learning_rate, c.expected)
        << c.written;
  }
}

TEST(ParseConfig, ReadsBooleansInYamlCoreForms) {
  for (const std::string word : {"true", "True", "TRUE"}) {
    const std::string yaml = std::string(kMinimalYaml) + "training: {shuffle: " + word + "}\n";
    EXPECT_TRUE(parse_config(yaml, kSource).training.shuffle) << word;
  }
  for (const std::string word : {"false", "False", "FALSE"}) {
    const std::string yaml = std::string(kMinimalYaml) + "training: {shuffle: " + word + "}\n";
    EXPECT_FALSE(parse_config(yaml, kSource).training.shuffle) << word;
  }
}

TEST(ParseConfig, EmptySectionsKeepDefaults) {
  const std::string yaml = std::string(kMinimalYaml) + "tokenizer:\ntraining:\n";
  const ExperimentConfig config = parse_config(yaml, kSource);
  EXPECT_EQ(config.tokenizer, TokenizerConfig{});
  EXPECT_EQ(config.training, TrainingConfig{});
}

}  // namespace
}  // namespace maas::config
