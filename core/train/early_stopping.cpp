#include "core/train/early_stopping.h"

namespace maas::train {

bool lower_is_better(std::string_view monitor) {
  return monitor == "val_loss" || monitor == "val_hamming_loss" || monitor == "val_mse" || monitor == "val_mae";
}

bool EarlyStopping::update(int epoch, double value) {
  const bool improved = !best_value_ || (lower_is_better(config_.monitor) ? value < *best_value_ - config_.min_delta
                                                         : value > *best_value_ + config_.min_delta);
  if (improved) {
    best_value_ = value;
    best_epoch_ = epoch;
    epochs_without_improvement_ = 0;
    return true;
  }
  ++epochs_without_improvement_;
  return false;
}

void EarlyStopping::restore(std::optional<double> best_value, int best_epoch, int epochs_without_improvement) {
  best_value_ = best_value;
  best_epoch_ = best_epoch;
  epochs_without_improvement_ = epochs_without_improvement;
}

}  // namespace maas::train
