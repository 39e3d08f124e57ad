#pragma once
// One training run from an experiment config: read data, fit the tokenizer, build and fit the
// network, validate each epoch, evaluate the test set and write the run folder:
//
//   RUN/config.yaml     the effective config (defaults, file and --set overrides resolved)
//   RUN/metrics.jsonl   one JSON object per epoch
//   RUN/checkpoint/     the latest checkpoint (see checkpoint.h), written every
//                       training.checkpoint_every_steps steps, on a stop signal, and at the
//                       end of an epoch once training.checkpoint_min_interval_seconds passed
//   RUN/test_report.json  the test report's to_json() on data.test, when it is set
//   RUN/model/          the model artifact (io::save_artifact)

#include <atomic>
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config/config.h"

namespace maas::train {

inline constexpr std::string_view kTestReportFile = "test_report.json";

// One epoch's results. Metrics a task does not report stay empty and are left out of the JSON.
struct EpochMetrics {
  int epoch = 0;
  double loss = 0.0;
  // Training accuracy over the epoch's batches: the share of right classes (classification) or
  // of examples whose whole label set is right at threshold 0.5 (multi_label). Empty for
  // regression.
  std::optional<double> accuracy;
  std::optional<double> val_loss;
  std::optional<double> val_accuracy;         // classification
  std::optional<double> val_macro_f1;         // classification and multi_label
  std::optional<double> val_micro_f1;         // multi_label
  std::optional<double> val_subset_accuracy;  // multi_label
  std::optional<double> val_hamming_loss;     // multi_label
  std::optional<double> val_mse;              // regression
  std::optional<double> val_mae;              // regression
  std::optional<double> val_r2;               // regression
  double seconds = 0.0;
  double examples_per_second = 0.0;

  nlohmann::ordered_json to_json() const;
  // Reads an object that to_json() wrote. Throws nlohmann::json::exception on a missing field.
  static EpochMetrics from_json(const nlohmann::json& j);
  // Returns the value of the validation metric `name` (such as "val_mse"), or nullopt.
  std::optional<double> validation_metric(std::string_view name) const;
};

struct TrainResult {
  std::filesystem::path run_dir;
  std::filesystem::path model_dir;
  std::vector<EpochMetrics> history;
  // The test report's summary_json() (ClassificationReport, MultiLabelReport or RegressionReport), with "report": "test_report.json"; the
  // manifest stores the same summary.
  std::optional<nlohmann::ordered_json> test;
  std::filesystem::path test_report;  // RUN/test_report.json, the full report; empty without data.test
  // True when stop_requested ended the run early: a checkpoint was saved and no model written.
  bool interrupted = false;
  std::filesystem::path checkpoint;
  bool stopped_early = false;     // early stopping ended the run before training.epochs
  std::optional<int> best_epoch;  // the epoch whose weights were saved, with restore_best
};

struct TrainOptions {
  bool show_progress = true;
  // Continue from RUN/checkpoint instead of starting afresh. The config must be the run's own
  // RUN/config.yaml, so the data, model and seed match the interrupted run.
  bool resume = false;
  // Polled after every batch and at the end of each epoch. When it becomes true the trainer
  // saves a checkpoint and returns with interrupted = true. May be null.
  const std::atomic<bool>* stop_requested = nullptr;
};

// Runs the experiment. Deterministic for a given config (seed) and thread count, and a resumed
// run ends with the same weights, bit for bit, as one that never stopped.
// Throws ConfigError, IoError or InvalidArgument with the file, line or key at fault, including
// InvalidArgument when the loss or a weight stops being finite (no model is written then) and
// when memory runs out.
TrainResult train_experiment(const config::ExperimentConfig& config, const TrainOptions& options = {});

}  // namespace maas::train
