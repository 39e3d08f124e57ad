// dump_config() and to_json(): every key written, and both read back to an equal config.

#include <gtest/gtest.h>

#include "tests/config/config_test_helpers.h"

namespace maas::config {
namespace {

using testing::kMinimalYaml;
using testing::kSource;

TEST(DumpConfig, WritesEveryKeyOfMinimalConfig) {
  const ExperimentConfig config = parse_config(kMinimalYaml, kSource);
  const std::string expected =
      R"yaml(# Effective maas experiment config: built-in defaults, then the file, then --set.
# Source: "/work/exp/configs/text.yaml"
data:
  train: "/work/exp/configs/train.csv"
  test: null
  validation: null
  format: auto
  text_column: "text"
  label_column: "label"
  label_separator: "|"
tokenizer:
  num_words: 20000
  max_length: 64
  padding: pre
  truncating: pre
  lower: true
  filters: "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n"
  split: " "
  char_level: false
  oov_token: null
  split_cjk: true
  ngrams: 1
  ngram_buckets: 2000000
model:
  layers:
    - embedding: {dim: 8, input_dim: null}
    - global_average_pooling1d: {mask: true}
    - dense: {units: auto, activation: auto}
training:
  task: classification
  optimizer:
    name: adam
    learning_rate: 0.001
    beta_1: 0.9
    beta_2: 0.999
    epsilon: 1e-07
    weight_decay: 0
    global_clipnorm: null
    embedding_update: lazy
  epochs: 5
  batch_size: 32
  seed: 1
  validation_split: 0
  shuffle: true
  threads: 0
  lr_schedule:
    name: constant
    warmup_steps: 0
    alpha: 0
  class_weight: null
  label_smoothing: 0
  bucket_by_length: true
  checkpoint_every_steps: 0
  checkpoint_min_interval_seconds: 60
  early_stopping: null
output:
  dir: "/work/exp/configs/runs/text"
  name: "text"
)yaml";
  EXPECT_EQ(dump_config(config), expected);
}

// Values chosen to break a careless writer: YAML-looking strings, escapes, UTF-8, a path with
// quotes and spaces, the largest seed, a double with no short decimal form.
ExperimentConfig make_tricky_config() {
  ExperimentConfig config = parse_config(kMinimalYaml, kSource);
  config.data.train = "/data/my \"quoted\" folder/train: set.csv";
  config.data.validation = "/data/val.csv";
  config.data.text_column = "true";
  config.data.label_column = "123";
  config.tokenizer.num_words.reset();
  config.tokenizer.oov_token = "null";
  config.tokenizer.filters = std::string("\x01\x1f\x7f'\"\\#:-", 9);
  config.tokenizer.split = "\t";
  config.tokenizer.padding = "post";
  config.model.layers[0].input_dim = 100;
  config.model.layers[1].mask = false;
  LayerConfig dropout;
  dropout.type = "dropout";
  dropout.rate = 0.1;
  LayerConfig hidden;
  hidden.type = "dense";
  hidden.units = 7;
  hidden.activation = "tanh";
  config.model.layers.insert(config.model.layers.begin() + 2, {dropout, hidden});
  OptimizerConfig& optimizer = config.training.optimizer;
  optimizer.name = "sgd";
  optimizer.learning_rate = 1.0 / 3.0;
  optimizer.momentum = 0.9;
  optimizer.nesterov = true;
  optimizer.weight_decay = 0.004;
  optimizer.global_clipnorm = 1.0 / 7.0;
  optimizer.embedding_update = "dense";
  config.training.seed = 18446744073709551615ull;
  config.training.validation_split = 0.0;
  config.training.lr_schedule = {"cosine", 250, 0.05};
  config.training.class_weight = {"map", {{"null", 2.5}, {"a: b", 0.0}, {"日本", 1.0 / 3.0}}};
  config.training.label_smoothing = 0.1;
  config.training.bucket_by_length = false;
  config.training.checkpoint_every_steps = 100;
  config.training.early_stopping = EarlyStoppingConfig{"val_macro_f1", 4, 0.001, false};
  config.output.name = "日本語 run";
  return config;
}

TEST(DumpConfig, RoundTripsThroughParse) {
  const ExperimentConfig original = parse_config(kMinimalYaml, kSource);
  EXPECT_EQ(parse_config(dump_config(original), kSource), original);
}

TEST(DumpConfig, RoundTripsTrickyValues) {
  const ExperimentConfig original = make_tricky_config();
  const std::string dumped = dump_config(original);
  const ExperimentConfig again = parse_config(dumped, kSource);
  EXPECT_EQ(again.data, original.data) << dumped;
  EXPECT_EQ(again.tokenizer, original.tokenizer) << dumped;
  EXPECT_EQ(again.model, original.model) << dumped;
  EXPECT_EQ(again.training, original.training) << dumped;
  EXPECT_EQ(again.output, original.output) << dumped;
  EXPECT_EQ(again, original);
}

TEST(DumpConfig, RoundTripKeepsOverriddenValues) {
  const ExperimentConfig original =
      parse_config(kMinimalYaml, kSource, {"training.optimizer.name=sgd", "training.epochs=3"});
  const ExperimentConfig again = parse_config(dump_config(original), kSource);
  EXPECT_EQ(again, original);
  EXPECT_DOUBLE_EQ(again.training.optimizer.learning_rate, 0.01);
}

TEST(ToJson, HoldsSameValuesAsDump) {
  const nlohmann::json json = to_json(parse_config(kMinimalYaml, kSource));
  EXPECT_EQ(json["data"]["train"], "/work/exp/configs/train.csv");
  EXPECT_TRUE(json["data"]["test"].is_null());
  EXPECT_EQ(json["tokenizer"]["num_words"], 20000);
  EXPECT_TRUE(json["tokenizer"]["oov_token"].is_null());
  EXPECT_EQ(json["model"]["layers"][0],
            nlohmann::json::parse(R"({"embedding": {"dim": 8, "input_dim": null}})"));
  EXPECT_EQ(json["model"]["layers"][2],
            nlohmann::json::parse(R"({"dense": {"units": "auto", "activation": "auto"}})"));
  EXPECT_EQ(
      json["training"]["optimizer"],
      nlohmann::json::parse(
          R"({"name": "adam", "learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7,
          "weight_decay": 0.0, "global_clipnorm": null, "embedding_update": "lazy"})"));
  EXPECT_EQ(json["training"]["seed"], 1u);
  EXPECT_EQ(json["output"],
            nlohmann::json::parse(R"({"dir": "/work/exp/configs/runs/text", "name": "text"})"));
  EXPECT_FALSE(json.contains("source"));
}

TEST(ToJson, SgdHasOnlySgdKeys) {
  const nlohmann::json json =
      to_json(parse_config(kMinimalYaml, kSource, {"training.optimizer.name=sgd"}));
  EXPECT_EQ(json["training"]["optimizer"],
            nlohmann::json::parse(
                R"({"name": "sgd", "learning_rate": 0.01, "momentum": 0.0, "nesterov": false,
          "weight_decay": 0.0, "global_clipnorm": null, "embedding_update": "lazy"})"));
}

TEST(ToJson, RoundTripsThroughParseAsYaml) {
  const ExperimentConfig original = make_tricky_config();
  const std::string text = to_json(original).dump();
  EXPECT_EQ(parse_config(text, kSource), original) << text;
}

}  // namespace
}  // namespace maas::config
