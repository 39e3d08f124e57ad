#include "core/train/lr_schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace maas::train {

double scheduled_learning_rate(const config::LrScheduleConfig& schedule, double base, std::int64_t step,
                               std::int64_t total_steps) {
  const std::int64_t warmup = schedule.warmup_steps;
  if (step < warmup) {
    return base * static_cast<double>(step + 1) / static_cast<double>(warmup);
  }
  if (schedule.name == "constant") {
    return base;
  }
  const double decay_steps = static_cast<double>(std::max<std::int64_t>(1, total_steps - warmup));
  const double progress = std::min(1.0, static_cast<double>(step - warmup) / decay_steps);
  const double remaining = schedule.name == "cosine" ? 0.5 * (1.0 + std::cos(std::numbers::pi * progress))
                                                     : 1.0 - progress;
  return base * (schedule.alpha + (1.0 - schedule.alpha) * remaining);
}

}  // namespace maas::train
