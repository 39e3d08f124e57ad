// Overrides that fix a bad value of the file, case-insensitive optimizer names, working hints
// and the key locations that later stages use in their messages.

#include <gtest/gtest.h>

#include "tests/config/config_test_helpers.h"

namespace maas::config {
namespace {

using testing::config_error;
using testing::kMinimalYaml;
using testing::kSource;

std::string with_tail(std::string_view tail) { return std::string(kMinimalYaml) + std::string(tail); }

TEST(OverrideFixes, SetReplacesInvalidFileValue) {
  const ExperimentConfig config =
      parse_config(with_tail("training:\n  batch_size: -3\n"), kSource, {"training.batch_size=32"});
  EXPECT_EQ(config.training.batch_size, 32);
}

TEST(OverrideFixes, SetReplacesInvalidLayerSetting) {
  const std::string yaml =
      "data: {train: t.csv}\nmodel:\n  layers:\n    - embedding: {dim: -1}\n"
      "    - global_average_pooling1d: {}\n    - dense: {activation: auto}\n";
  const ExperimentConfig config = parse_config(yaml, kSource, {"model.layers.0.embedding.dim=16"});
  EXPECT_EQ(config.model.layers[0].dim, 16);
}

TEST(OverrideFixes, NewLayerListDropsErrorsOfOldList) {
  const std::string yaml = "data: {train: t.csv}\nmodel:\n  layers:\n    - dens: {units: 2}\n";
  const ExperimentConfig config = parse_config(
      yaml, kSource,
      {"model.layers=[{embedding: {dim: 4}}, {global_average_pooling1d: {}}, {dense: {activation: auto}}]"});
  EXPECT_EQ(config.model.layers.size(), 3u);
}

TEST(OverrideFixes, OtherFileErrorsStay) {
  const std::string message = config_error(with_tail("training:\n  batch_size: -3\n  epochs: 0\n"),
                                           {"training.batch_size=32"});
  EXPECT_NE(message.find("(1 error):\n/work/exp/configs/text.yaml:10:11: training.epochs: "),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find("batch_size"), std::string::npos) << message;
}

TEST(OverrideFixes, MapOverrideKeepsErrorsOfSection) {
  // Setting one key merges into the section, so the file's error on the section itself remains.
  const std::string message = config_error(with_tail("training: [1, 2]\n"), {"training.epochs=3"});
  EXPECT_NE(message.find("text.yaml:8:11: training: expected a map of keys, got a list"),
            std::string::npos)
      << message;
}

TEST(OverrideFixes, InvalidOverrideIsStillReported) {
  const std::string message =
      config_error(with_tail("training:\n  batch_size: -3\n"), {"training.batch_size=0"});
  EXPECT_NE(message.find("(1 error):\n--set training.batch_size=0: training.batch_size: expected an "
                         "integer from 1 to 1048576, got 0"),
            std::string::npos)
      << message;
}

TEST(OptimizerName, AcceptsAnyCase) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Adam", "adam"}, {"ADAM", "adam"}, {"SGD", "sgd"}, {"Sgd", "sgd"}, {"adam", "adam"}};
  for (const auto& [written, expected] : cases) {
    SCOPED_TRACE(written);
    const ExperimentConfig in_map =
        parse_config(with_tail("training:\n  optimizer: {name: " + written + "}\n"), kSource);
    EXPECT_EQ(in_map.training.optimizer.name, expected);
    const ExperimentConfig shorthand =
        parse_config(with_tail("training:\n  optimizer: " + written + "\n"), kSource);
    EXPECT_EQ(shorthand.training.optimizer.name, expected);
  }
  // The SGD default learning rate follows the normalised name.
  const ExperimentConfig sgd = parse_config(kMinimalYaml, kSource, {"training.optimizer=SGD"});
  EXPECT_DOUBLE_EQ(sgd.training.optimizer.learning_rate, 0.01);
}

TEST(Hints, MissingLayersHintParses) {
  const std::string message = config_error("data: {train: t.csv}\n");
  const std::string marker = "such as ";
  const std::size_t start = message.find(marker, message.find("model.layers: missing required key"));
  ASSERT_NE(start, std::string::npos) << message;
  const std::string hint = message.substr(start + marker.size(), message.find('\n', start) - start - marker.size());
  EXPECT_EQ(hint,
            "model: {layers: [{embedding: {dim: 64}}, {global_average_pooling1d: {}}, "
            "{dense: {activation: auto}}]}");
  const ExperimentConfig config = parse_config("data: {train: t.csv}\n" + hint + "\n", kSource);
  ASSERT_EQ(config.model.layers.size(), 3u);
  EXPECT_EQ(config.model.layers[2].activation, "auto");
  EXPECT_FALSE(config.model.layers[2].units.has_value());
}

TEST(KeyLocations, NameFileLineOrOverride) {
  const ExperimentConfig config = parse_config(
      with_tail("training:\n  epochs: 3\n"), kSource,
      {"data.train=other.csv", "model.layers.2.dense.units=5"});
  EXPECT_EQ(config.locations.find("training.epochs"), "/work/exp/configs/text.yaml:9:3");
  EXPECT_EQ(config.locations.find("data.train"), "--set data.train=other.csv");
  // A key that was not given falls back to its nearest given parent, then to the file.
  EXPECT_EQ(config.locations.find("training.batch_size"), "/work/exp/configs/text.yaml:8:1");
  EXPECT_EQ(config.locations.find("output.dir"), "/work/exp/configs/text.yaml");

  ASSERT_EQ(config.model.layers.size(), 3u);
  EXPECT_EQ(config.model.layers[0].location, "/work/exp/configs/text.yaml:5:7");
  EXPECT_EQ(config.model.layers[2].location, "--set model.layers.2.dense.units=5");
}

TEST(KeyLocations, DoNotAffectEquality) {
  const ExperimentConfig from_file = parse_config(with_tail("training: {epochs: 3}\n"), kSource);
  const ExperimentConfig from_override = parse_config(kMinimalYaml, kSource, {"training.epochs=3"});
  EXPECT_EQ(from_file, from_override);
}

}  // namespace
}  // namespace maas::config
