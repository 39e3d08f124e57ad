#pragma once
// The per-epoch curves of a training run, read from the RUN/metrics.jsonl that 'maas train' writes
// (one JSON object per epoch with "epoch", "loss", "accuracy" and, with validation data,
// "val_loss" and the task's validation metrics: "val_accuracy" and "val_macro_f1" for
// classification, "val_macro_f1", "val_micro_f1", "val_subset_accuracy" and "val_hamming_loss"
// for multi-label, "val_mse", "val_mae" and "val_r2" for regression).

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace maas::report {

struct TrainingCurve {
  std::string name;                            // the metrics.jsonl key, e.g. "val_loss"
  std::vector<std::pair<int, double>> points;  // (epoch, value) by increasing epoch
};

struct TrainingHistory {
  int epochs = 0;  // the last epoch in the file
  // Curves in the order of the keys listed at the top of this file. A key that no line
  // contains has no curve. A line without the key or with null (JSON's stand-in for NaN) leaves a
  // gap in the curve.
  std::vector<TrainingCurve> curves;

  const TrainingCurve* find(std::string_view name) const;
};

// Parses metrics.jsonl text. `source` names the file in errors. Blank lines are skipped.
// Throws IoError naming source:line for invalid JSON, a missing or non-integer "epoch", epochs that
// do not increase, or a metric that is neither a number nor null.
TrainingHistory parse_training_history(std::string_view jsonl, const std::string& source);

// Reads and parses `path`. Throws IoError when it cannot be read or is malformed.
TrainingHistory read_training_history(const std::filesystem::path& path);

}  // namespace maas::report
