// --set KEY=VALUE overrides: applied in order after the file, with the file's checks.

#include <gtest/gtest.h>

#include "tests/config/config_test_helpers.h"

namespace maas::config {
namespace {

using testing::config_error;
using testing::kMinimalYaml;
using testing::kSource;

// kMinimalYaml plus a training section and a dense hidden layer, for overrides to change.
constexpr std::string_view kBaseYaml = R"yaml(data:
  train: train.csv
model:
  layers:
    - embedding: {dim: 8}
    - global_average_pooling1d: {}
    - dense: {units: 16, activation: relu}
    - dense: {activation: auto}
training:
  optimizer: {name: adam}
  epochs: 5
)yaml";

TEST(Overrides, SetScalarsOfEveryType) {
  const ExperimentConfig config =
      parse_config(kBaseYaml, kSource,
                   {"training.epochs=7", "tokenizer.num_words=null", "tokenizer.oov_token=<OOV>",
                    "tokenizer.lower=false", "training.validation_split=0.2", "data.format=jsonl",
                    "training.seed=42", "output.name=tuned"});
  EXPECT_EQ(config.training.epochs, 7);
  EXPECT_EQ(config.tokenizer.num_words, std::nullopt);
  EXPECT_EQ(config.tokenizer.oov_token, "<OOV>");
  EXPECT_FALSE(config.tokenizer.lower);
  EXPECT_DOUBLE_EQ(config.training.validation_split, 0.2);
  EXPECT_EQ(config.data.format, "jsonl");
  EXPECT_EQ(config.training.seed, 42u);
  EXPECT_EQ(config.output.name, "tuned");
  EXPECT_EQ(config.output.dir, "/work/exp/configs/runs/text");  // untouched by output.name
}

TEST(Overrides, LaterOverrideWinsOverEarlierAndFile) {
  const ExperimentConfig config =
      parse_config(kBaseYaml, kSource, {"training.epochs=7", "training.epochs=9"});
  EXPECT_EQ(config.training.epochs, 9);
}

TEST(Overrides, EditLayerByIndex) {
  const ExperimentConfig config =
      parse_config(kBaseYaml, kSource,
                   {"model.layers.0.embedding.dim=32", "model.layers[2].dense.units=64",
                    "model.layers.1.global_average_pooling1d={mask: false}"});
  const std::vector<LayerConfig>& layers = config.model.layers;
  ASSERT_EQ(layers.size(), 4u);
  EXPECT_EQ(layers[0].dim, 32);
  EXPECT_EQ(layers[0].line, 5);  // edited in place, so it keeps its line in the file
  EXPECT_FALSE(layers[1].mask);
  EXPECT_EQ(layers[2].units, 64);
  EXPECT_EQ(layers[2].activation, "relu");  // merged: the other setting is kept
}

TEST(Overrides, ReplaceLayerItem) {
  const ExperimentConfig config =
      parse_config(kBaseYaml, kSource, {"model.layers.2={dropout: {rate: 0.25}}"});
  const LayerConfig& layer = config.model.layers.at(2);
  EXPECT_EQ(layer.type, "dropout");
  EXPECT_DOUBLE_EQ(layer.rate, 0.25);
  EXPECT_EQ(layer.line, 0);
}

TEST(Overrides, ReplaceLayerList) {
  const ExperimentConfig config =
      parse_config(kBaseYaml, kSource,
                   {"model.layers=[{embedding: {dim: 4}}, {global_average_pooling1d: {}}, {dense: "
                    "{units: 3}}]"});
  ASSERT_EQ(config.model.layers.size(), 3u);
  EXPECT_EQ(config.model.layers[2].units, 3);
}

TEST(Overrides, SwitchOptimizerUpdatesLearningRateDefault) {
  const OptimizerConfig optimizer =
      parse_config(kBaseYaml, kSource,
                   {"training.optimizer.name=sgd", "training.optimizer.momentum=0.9"})
          .training.optimizer;
  EXPECT_EQ(optimizer.name, "sgd");
  EXPECT_DOUBLE_EQ(optimizer.learning_rate, 0.01);
  EXPECT_DOUBLE_EQ(optimizer.momentum, 0.9);
}

TEST(Overrides, OptimizerShorthandAndFlowMap) {
  EXPECT_EQ(parse_config(kBaseYaml, kSource, {"training.optimizer=sgd"}).training.optimizer.name,
            "sgd");
  const OptimizerConfig optimizer =
      parse_config(kBaseYaml, kSource, {"training.optimizer={name: sgd, nesterov: true}"})
          .training.optimizer;
  EXPECT_EQ(optimizer.name, "sgd");
  EXPECT_TRUE(optimizer.nesterov);
}

TEST(Overrides, PathsResolveAgainstWorkingDirectory) {
  const std::filesystem::path cwd = std::filesystem::current_path();
  const ExperimentConfig config =
      parse_config(kBaseYaml, kSource,
                   {"data.train=data/other.csv", "data.test=/srv/test.csv", "output=runs/x"});
  EXPECT_EQ(config.data.train, (cwd / "data/other.csv").lexically_normal());
  EXPECT_EQ(config.data.test, "/srv/test.csv");
  EXPECT_EQ(config.output.dir, (cwd / "runs/x").lexically_normal());
}

TEST(Overrides, NullClearsOptionalPath) {
  const ExperimentConfig config = parse_config(
      "data: {train: t.csv, test: t2.csv}\n"
      "model: {layers: [{embedding: {dim: 4}}, {global_average_pooling1d: {}}, {dense: {units: "
      "2}}]}\n",
      kSource, {"data.test=null"});
  EXPECT_TRUE(config.data.test.empty());
}

TEST(Overrides, ValueWithEqualsSignKeepsRest) {
  const ExperimentConfig config = parse_config(kBaseYaml, kSource, {"tokenizer.split=a=b"});
  EXPECT_EQ(config.tokenizer.split, "a=b");
}

TEST(Overrides, QuotedValueStaysText) {
  const ExperimentConfig config =
      parse_config(kBaseYaml, kSource, {"tokenizer.oov_token='#oov'", "data.text_column=\"3\""});
  EXPECT_EQ(config.tokenizer.oov_token, "#oov");
  EXPECT_EQ(config.data.text_column, "3");
}

TEST(Overrides, CanSupplyMissingRequiredKeys) {
  const ExperimentConfig config =
      parse_config("", kSource,
                   {"data.train=t.csv",
                    "model.layers=[{embedding: {dim: 4}}, {global_average_pooling1d: {}}, "
                    "{dense: {units: auto, activation: auto}}]"});
  EXPECT_EQ(config.model.layers.size(), 3u);
}

struct OverrideErrorCase {
  std::string name;
  std::string override_text;
  std::string message;  // the whole error line after "--set <override>: "
};

TEST(OverridesErrors, EachNamesOverride) {
  const std::vector<OverrideErrorCase> cases = {
      {"bad value", "training.epochs=abc", "training.epochs: expected an integer >= 1, got abc"},
      {"negative value", "training.batch_size=-1",
       "training.batch_size: expected an integer from 1 to 1048576, got -1"},
      {"float for integer", "training.epochs=2.5",
       "training.epochs: expected an integer >= 1, got the floating-point number 2.5; write a "
       "whole number without a decimal point or exponent"},
      {"bad enum", "tokenizer.padding=left",
       "tokenizer.padding: expected one of pre, post, got \"left\""},
      {"unknown top-level key", "trainig.epochs=3",
       "trainig: unknown key 'trainig'; did you mean 'training'? Accepted: data, tokenizer, "
       "model, training, output"},
      {"unknown nested key", "training.epoch=3",
       "training.epoch: unknown key 'epoch'; did you mean 'epochs'? Accepted: task, optimizer, epochs, "
       "batch_size, seed, validation_split, shuffle, threads, lr_schedule, class_weight, "
       "label_smoothing, bucket_by_length, checkpoint_every_steps, checkpoint_min_interval_seconds, "
       "early_stopping"},
      {"key below a scalar", "training.epochs.max=3",
       "training.epochs: expected an integer >= 1, got a map"},
      {"layer index out of range", "model.layers.9.dense.units=3",
       "model.layers[9]: layer index 9 is out of range; the model has 4 layers, indexes 0 to 3"},
      {"layer index not a number", "model.layers.first.dense.units=3",
       "model.layers: expected a layer index after model.layers, got 'first'; write for example "
       "model.layers.0.embedding.dim=32"},
      {"wrong layer type", "model.layers.1.dense.units=3",
       "model.layers[1].dense: layer 1 is a 'global_average_pooling1d' layer, not 'dense'; to "
       "replace it, set model.layers.1={dense: {...}}"},
      {"unknown layer setting", "model.layers.0.embedding.size=3",
       "model.layers[0].embedding.size: unknown key 'size'; accepted: dim, input_dim"},
      {"auto moved to hidden layer", "model.layers.2.dense.units=auto",
       "model.layers[2].dense.units: auto is allowed only on the last layer; give units >= 1"},
      {"missing equals sign", "training.epochs", "expected KEY=VALUE, such as training.epochs=10"},
      {"empty key part", "training..epochs=3",
       "invalid key path 'training..epochs'; expected dotted keys such as training.epochs"},
      {"invalid YAML value", "data.train=[a",
       "data.train: the value is not valid YAML: end of sequence flow not found; quote it"},
      {"comment as value", "tokenizer.oov_token=#oov",
       "tokenizer.oov_token: the value '#oov' reads as null in YAML; quote it to keep it as text"},
      {"adam key after switch to sgd", "training.optimizer={name: sgd, beta_2: 0.9}",
       "training.optimizer.beta_2: applies only to adam, but training.optimizer.name is sgd; "
       "remove it or set name: adam"},
  };
  for (const OverrideErrorCase& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string message = config_error(kBaseYaml, {c.override_text});
    const std::string expected = "invalid config /work/exp/configs/text.yaml (1 error):\n--set " +
                                 c.override_text + ": " + c.message;
    EXPECT_EQ(message, expected);
  }
}

TEST(OverridesErrors, FileErrorsComeBeforeOverrideErrors) {
  const std::string yaml = std::string(kBaseYaml) + "  shuffle: maybe\n";
  const std::string message = config_error(yaml, {"training.epochs=0", "training.threads=x"});
  const std::string expected =
      "invalid config /work/exp/configs/text.yaml (3 errors):\n"
      "/work/exp/configs/text.yaml:12:12: training.shuffle: expected true or false, got maybe\n"
      "--set training.epochs=0: training.epochs: expected an integer >= 1, got 0\n"
      "--set training.threads=x: training.threads: expected an integer from 0 to 1024, got x";
  EXPECT_EQ(message, expected);
}

TEST(OverridesErrors, OverrideInvalidatesFileKey) {
  const std::string yaml = std::string(kMinimalYaml) + "training:\n  optimizer: {beta_1: 0.8}\n";
  const std::string message = config_error(yaml, {"training.optimizer.name=sgd"});
  EXPECT_NE(message.find("\n/work/exp/configs/text.yaml:9:15: training.optimizer.beta_1: applies "
                         "only to adam, but training.optimizer.name is sgd"),
            std::string::npos)
      << message;
}

TEST(OverridesErrors, ValidationFileAddedBySetConflictsWithSplit) {
  const std::string yaml = std::string(kMinimalYaml) + "training: {validation_split: 0.1}\n";
  const std::string message = config_error(yaml, {"data.validation=/srv/v.csv"});
  EXPECT_NE(message.find("\n--set data.validation=/srv/v.csv: data.validation: a validation file "
                         "cannot be combined with training.validation_split 0.1 (set at "
                         "/work/exp/configs/text.yaml:8:12)"),
            std::string::npos)
      << message;
}

}  // namespace
}  // namespace maas::config
