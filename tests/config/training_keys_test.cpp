// The training keys for schedules, class weights, label smoothing, bucketing, checkpoints,
// early stopping and the optimizer extras: valid values, shorthands and rejected values.

#include <gtest/gtest.h>

#include "tests/config/config_test_helpers.h"

namespace maas::config {
namespace {

using testing::config_error;
using testing::kMinimalYaml;
using testing::kSource;

std::string with_training(std::string_view training) {
  return std::string(kMinimalYaml) + "training:\n" + std::string(training);
}

TEST(TrainingKeys, DefaultsMatchDocumentation) {
  const TrainingConfig training = parse_config(kMinimalYaml, kSource).training;
  EXPECT_EQ(training.lr_schedule, (LrScheduleConfig{"constant", 0, 0.0}));
  EXPECT_EQ(training.class_weight.mode, "none");
  EXPECT_EQ(training.label_smoothing, 0.0);
  EXPECT_TRUE(training.bucket_by_length);
  EXPECT_EQ(training.checkpoint_every_steps, 0);
  EXPECT_EQ(training.checkpoint_min_interval_seconds, 60.0);
  EXPECT_FALSE(training.early_stopping);
  EXPECT_EQ(training.optimizer.embedding_update, "lazy");
  EXPECT_EQ(training.optimizer.weight_decay, 0.0);
  EXPECT_FALSE(training.optimizer.global_clipnorm);
}

TEST(TrainingKeys, ReadsEveryKey) {
  const TrainingConfig training =
      parse_config(with_training("  optimizer: {name: adam, weight_decay: 0.01, global_clipnorm: 1.5,\n"
                                 "              embedding_update: dense}\n"
                                 "  validation_split: 0.1\n"
                                 "  lr_schedule: {name: cosine, warmup_steps: 10, alpha: 0.1}\n"
                                 "  class_weight: {toxic: 3, clean: 0.5}\n"
                                 "  label_smoothing: 0.1\n"
                                 "  bucket_by_length: false\n"
                                 "  checkpoint_every_steps: 500\n"
                                 "  checkpoint_min_interval_seconds: 0\n"
                                 "  early_stopping: {monitor: val_macro_f1, patience: 2}\n"),
                   kSource)
          .training;
  EXPECT_EQ(training.optimizer.weight_decay, 0.01);
  EXPECT_EQ(*training.optimizer.global_clipnorm, 1.5);
  EXPECT_EQ(training.optimizer.embedding_update, "dense");
  EXPECT_EQ(training.lr_schedule, (LrScheduleConfig{"cosine", 10, 0.1}));
  EXPECT_EQ(training.class_weight.mode, "map");
  EXPECT_EQ(training.class_weight.weights, (std::map<std::string, double>{{"clean", 0.5}, {"toxic", 3.0}}));
  EXPECT_EQ(training.label_smoothing, 0.1);
  EXPECT_FALSE(training.bucket_by_length);
  EXPECT_EQ(training.checkpoint_every_steps, 500);
  EXPECT_EQ(training.checkpoint_min_interval_seconds, 0.0);
  ASSERT_TRUE(training.early_stopping);
  EXPECT_EQ(*training.early_stopping, (EarlyStoppingConfig{"val_macro_f1", 2, 0.0, true}));
}

TEST(TrainingKeys, ShorthandsAndOverrides) {
  const TrainingConfig training =
      parse_config(with_training("  lr_schedule: linear_decay\n  class_weight: balanced\n"), kSource,
                   {"training.validation_split=0.2", "training.early_stopping.patience=4",
                    "training.optimizer.global_clipnorm=null"})
          .training;
  EXPECT_EQ(training.lr_schedule.name, "linear_decay");
  EXPECT_EQ(training.class_weight.mode, "balanced");
  ASSERT_TRUE(training.early_stopping);
  EXPECT_EQ(training.early_stopping->patience, 4);
  EXPECT_EQ(training.early_stopping->monitor, "val_loss");
  EXPECT_FALSE(training.optimizer.global_clipnorm);

  const TrainingConfig cleared =
      parse_config(with_training("  class_weight: {a: 2}\n"), kSource, {"training.class_weight=null"}).training;
  EXPECT_EQ(cleared.class_weight.mode, "none");
  EXPECT_TRUE(cleared.class_weight.weights.empty());
}

struct KeyErrorCase {
  std::string name;
  std::string training;
  std::string fragment;
};

TEST(TrainingKeys, RejectsBadValuesWithPathAndLine) {
  // kMinimalYaml has 7 lines, "training:" is line 8, so the first training key is on line 9.
  const std::vector<KeyErrorCase> cases = {
      {"schedule name", "  lr_schedule: step\n",
       "text.yaml:9:16: training.lr_schedule: expected one of constant, linear_decay, cosine, got \"step\""},
      {"negative warmup", "  lr_schedule: {warmup_steps: -1}\n",
       "training.lr_schedule.warmup_steps: expected an integer >= 0, got -1"},
      {"alpha above one", "  lr_schedule: {alpha: 1.5}\n", "training.lr_schedule.alpha: expected a number from 0 to 1"},
      {"class weight word", "  class_weight: inverse\n",
       "text.yaml:9:17: training.class_weight: expected null, balanced, or a map from label to weight"},
      {"negative class weight", "  class_weight: {toxic: -2}\n",
       "training.class_weight.toxic: expected a number >= 0, got -2"},
      {"empty class weight map", "  class_weight: {}\n", "training.class_weight: expected at least one label"},
      {"smoothing of one", "  label_smoothing: 1\n", "training.label_smoothing: expected a number >= 0 and < 1, got 1"},
      {"bucketing text", "  bucket_by_length: yes\n", "training.bucket_by_length: expected true or false"},
      {"negative checkpoint steps", "  checkpoint_every_steps: -5\n",
       "training.checkpoint_every_steps: expected an integer >= 0, got -5"},
      {"negative checkpoint interval", "  checkpoint_min_interval_seconds: -1\n",
       "training.checkpoint_min_interval_seconds: expected a number >= 0, got -1"},
      {"monitor typo", "  validation_split: 0.1\n  early_stopping: {monitor: val_acc}\n",
       "training.early_stopping.monitor: expected one of val_loss, val_accuracy, val_macro_f1, val_micro_f1, "
       "val_subset_accuracy, val_hamming_loss, val_mse, val_mae, val_r2, got \"val_acc\""},
      {"zero patience", "  validation_split: 0.1\n  early_stopping: {patience: 0}\n",
       "training.early_stopping.patience: expected an integer >= 1, got 0"},
      {"early stopping scalar", "  validation_split: 0.1\n  early_stopping: true\n",
       "training.early_stopping: expected null, or a map"},
      {"early stopping without validation", "  early_stopping: {patience: 2}\n",
       "training.early_stopping: needs validation data to monitor val_loss"},
      {"embedding update", "  optimizer: {embedding_update: sparse}\n",
       "training.optimizer.embedding_update: expected one of lazy, dense, got \"sparse\""},
      {"negative weight decay", "  optimizer: {weight_decay: -0.1}\n",
       "training.optimizer.weight_decay: expected a number from 0 to 1e+30, got -0.1"},
      {"zero clipnorm", "  optimizer: {global_clipnorm: 0}\n",
       "training.optimizer.global_clipnorm: expected a number from 1e-30 to 1e+30, got 0"},
      {"task typo", "  task: multilabel\n",
       "training.task: expected one of classification, multi_label, regression, got \"multilabel\""},
      {"class weight with multi-label", "  task: multi_label\n  class_weight: balanced\n",
       "training.class_weight: weights classes of a single-label classifier, but training.task is multi_label"},
      {"label smoothing with regression", "  task: regression\n  label_smoothing: 0.1\n",
       "training.label_smoothing: is 0.1, but label smoothing applies to class targets, not to regression"},
      {"classification monitor with regression",
       "  task: regression\n  validation_split: 0.1\n  early_stopping: {monitor: val_accuracy}\n",
       "training.early_stopping.monitor: is val_accuracy, which training.task regression does not report; expected "
       "one of val_loss, val_mse, val_mae, val_r2"},
      {"regression monitor with multi-label",
       "  task: multi_label\n  validation_split: 0.1\n  early_stopping: {monitor: val_r2}\n",
       "expected one of val_loss, val_micro_f1, val_macro_f1, val_subset_accuracy, val_hamming_loss"},
  };
  for (const KeyErrorCase& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string message = config_error(with_training(c.training));
    EXPECT_NE(message.find(c.fragment), std::string::npos) << message;
  }
}

TEST(TrainingKeys, DumpRoundTripsEveryKey) {
  const ExperimentConfig original =
      parse_config(with_training("  validation_split: 0.1\n"
                                 "  lr_schedule: {name: linear_decay, warmup_steps: 3}\n"
                                 "  class_weight: {\"a: b\": 2}\n"
                                 "  early_stopping: {monitor: val_accuracy, min_delta: 0.01, restore_best: false}\n"),
                   kSource);
  EXPECT_EQ(parse_config(dump_config(original), kSource), original);
  EXPECT_EQ(parse_config(to_json(original).dump(), kSource), original);
}

TEST(TrainingKeys, TaskKeysRoundTrip) {
  const ExperimentConfig original =
      parse_config(with_training("  task: multi_label\n"
                                 "  validation_split: 0.1\n"
                                 "  early_stopping: {monitor: val_micro_f1}\n"),
                   kSource, {"data.label_separator=;"});
  EXPECT_EQ(original.training.task, "multi_label");
  EXPECT_EQ(original.data.label_separator, ";");
  EXPECT_EQ(parse_config(dump_config(original), kSource), original);
  EXPECT_EQ(parse_config(to_json(original).dump(), kSource), original);
}

}  // namespace
}  // namespace maas::config
