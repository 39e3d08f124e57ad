#pragma once
// One training run from an experiment config: read data, fit the tokenizer, build and fit the
// network, validate each epoch, evaluate the test set and write the run folder:
//
//   RUN/config.yaml     the effective config (defaults, file and --set overrides resolved)
//   RUN/metrics.jsonl   one JSON object per epoch
//   RUN/model/          the model artifact (io::save_artifact)

#include <filesystem>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config/config.h"

namespace maas::train {

struct EpochMetrics {
  int epoch = 0;
  double loss = 0.0;
  double accuracy = 0.0;
  std::optional<double> val_loss;
  std::optional<double> val_accuracy;
  std::optional<double> val_macro_f1;
  double seconds = 0.0;
  double examples_per_second = 0.0;

  nlohmann::ordered_json to_json() const;
};

struct TrainResult {
  std::filesystem::path run_dir;
  std::filesystem::path model_dir;
  std::vector<EpochMetrics> history;
  std::optional<nlohmann::ordered_json> test;  // ClassificationReport::to_json() on data.test
};

struct TrainOptions {
  bool show_progress = true;
};

// Runs the experiment. Deterministic for a given config (seed) and thread count.
// Throws ConfigError, IoError or InvalidArgument with the file, line or key at fault.
TrainResult train_experiment(const config::ExperimentConfig& config, const TrainOptions& options = {});

}  // namespace maas::train
