#pragma once
// Early stopping on a validation metric, with the best epoch's weights kept in memory.

#include <optional>
#include <string>
#include <string_view>

#include "core/config/experiment_config.h"

namespace maas::train {

// Returns true for the monitors where a lower value is better: val_loss, val_hamming_loss,
// val_mse and val_mae.
bool lower_is_better(std::string_view monitor);

// Tracks the monitored metric epoch by epoch. An epoch improves when its value beats the best
// so far by more than min_delta (lower or higher, as lower_is_better sets); the first epoch
// always improves. Training stops after `patience` epochs in a row without improvement.
class EarlyStopping {
 public:
  explicit EarlyStopping(config::EarlyStoppingConfig config) : config_(std::move(config)) {}

  // Records the value of `epoch` and returns true when it is the new best.
  bool update(int epoch, double value);
  bool should_stop() const { return epochs_without_improvement_ >= config_.patience; }

  const config::EarlyStoppingConfig& config() const { return config_; }
  std::optional<double> best_value() const { return best_value_; }
  int best_epoch() const { return best_epoch_; }
  int epochs_without_improvement() const { return epochs_without_improvement_; }

  // Restores the counters from a checkpoint.
  void restore(std::optional<double> best_value, int best_epoch, int epochs_without_improvement);

 private:
  config::EarlyStoppingConfig config_;
  std::optional<double> best_value_;
  int best_epoch_ = 0;
  int epochs_without_improvement_ = 0;
};

}  // namespace maas::train
