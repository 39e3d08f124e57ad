// The output layer that build_architecture chooses or accepts for the number of labels.

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/config/config.h"
#include "core/train/model_builder.h"

namespace maas::train {
namespace {

config::ExperimentConfig config_with_output(const std::string& output_layer,
                                            const std::vector<std::string>& overrides = {}) {
  const std::string yaml =
      "data: {train: t.csv}\n"
      "model:\n"
      "  layers:\n"
      "    - embedding: {dim: 4}\n"
      "    - global_average_pooling1d: {}\n"
      "    - dense: " + output_layer + "\n";
  return config::parse_config(yaml, "/work/exp/text.yaml", overrides);
}

struct OutputCase {
  std::string name;
  std::string layer;
  int classes;
  int units;  // expected units, or 0 when the layer must be rejected
  std::string activation;
};

TEST(OutputLayer, ChoosesOrAcceptsUnitsForLabels) {
  const std::vector<OutputCase> cases = {
      {"auto binary", "{activation: auto}", 2, 1, "sigmoid"},
      {"auto three labels", "{activation: auto}", 3, 3, "softmax"},
      {"explicit sigmoid binary", "{units: 1, activation: sigmoid}", 2, 1, "sigmoid"},
      {"keras 2-unit softmax binary", "{units: 2, activation: softmax}", 2, 2, "softmax"},
      {"softmax with auto units binary", "{activation: softmax}", 2, 2, "softmax"},
      {"softmax with auto units three labels", "{activation: softmax}", 3, 3, "softmax"},
      {"1-unit softmax binary", "{units: 1, activation: softmax}", 2, 0, ""},
      {"3-unit softmax binary", "{units: 3, activation: softmax}", 2, 0, ""},
      {"2-unit sigmoid binary", "{units: 2, activation: sigmoid}", 2, 0, ""},
      {"2-unit softmax three labels", "{units: 2, activation: softmax}", 3, 0, ""},
      {"linear output", "{units: 2, activation: linear}", 2, 0, ""},
  };
  for (const OutputCase& c : cases) {
    SCOPED_TRACE(c.name);
    const config::ExperimentConfig config = config_with_output(c.layer);
    if (c.units == 0) {
      EXPECT_THROW(build_architecture(config.model, 10, c.classes, "/work/exp/text.yaml"), ConfigError);
      continue;
    }
    const nlohmann::json architecture = build_architecture(config.model, 10, c.classes, "/work/exp/text.yaml");
    const nlohmann::json& last = architecture["layers"].back();
    EXPECT_EQ(last["units"], c.units);
    EXPECT_EQ(last["activation"], c.activation);
  }
}

TEST(OutputLayer, ErrorPointsAtOverride) {
  const config::ExperimentConfig config =
      config_with_output("{activation: auto}", {"model.layers.2.dense.units=5"});
  try {
    build_architecture(config.model, 10, 3, "/work/exp/text.yaml");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.rfind("--set model.layers.2.dense.units=5: model.layers[2].dense: the output layer has 5 units", 0),
              0u)
        << message;
  }
}

TEST(OutputLayer, ErrorPointsAtFileLine) {
  const config::ExperimentConfig config = config_with_output("{units: 4, activation: softmax}");
  try {
    build_architecture(config.model, 10, 3, "/work/exp/text.yaml");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.rfind("/work/exp/text.yaml:6:7: model.layers[2].dense: ", 0), 0u) << message;
  }
}

TEST(OutputLayer, FollowsTask) {
  struct TaskCase {
    std::string layer;
    Task task;
    int outputs;
    int units;  // expected units, or 0 when the layer must be rejected
    std::string activation;
  };
  const std::vector<TaskCase> cases = {
      {"{activation: auto}", Task::kMultiLabel, 2, 2, "sigmoid"},
      {"{activation: auto}", Task::kMultiLabel, 5, 5, "sigmoid"},
      {"{units: 5, activation: sigmoid}", Task::kMultiLabel, 5, 5, "sigmoid"},
      {"{units: 5, activation: softmax}", Task::kMultiLabel, 5, 0, ""},
      {"{activation: auto}", Task::kRegression, 1, 1, "linear"},
      {"{units: 1, activation: linear}", Task::kRegression, 1, 1, "linear"},
      {"{units: 1, activation: sigmoid}", Task::kRegression, 1, 0, ""},
  };
  for (const TaskCase& c : cases) {
    SCOPED_TRACE(c.layer + " " + std::string(task_name(c.task)));
    const config::ExperimentConfig config = config_with_output(c.layer);
    if (c.units == 0) {
      EXPECT_THROW(build_architecture(config.model, 10, c.outputs, "/work/exp/text.yaml", c.task), ConfigError);
      continue;
    }
    const nlohmann::json last =
        build_architecture(config.model, 10, c.outputs, "/work/exp/text.yaml", c.task)["layers"].back();
    EXPECT_EQ(last["units"], c.units);
    EXPECT_EQ(last["activation"], c.activation);
  }
}

}  // namespace
}  // namespace maas::train
