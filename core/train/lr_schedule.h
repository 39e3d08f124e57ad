#pragma once
// Learning-rate schedules over the optimizer steps of a run (config::LrScheduleConfig).

#include <cstdint>

#include "core/config/experiment_config.h"

namespace maas::train {

// Returns the learning rate for the step that follows `step` completed steps (0 for the first
// step) of a run of `total_steps` steps, with base rate `base`:
//   warmup, step < W:  base * (step + 1) / W, so the first step already moves the weights
//   constant:          base
//   linear_decay:      base * (alpha + (1 - alpha) * (1 - p))
//   cosine:            base * (alpha + (1 - alpha) * (1 + cos(pi p)) / 2)
// with W = warmup_steps and p = min(1, (step - W) / max(1, total_steps - W)), the Keras
// CosineDecay progress. Steps past total_steps keep the final rate.
double scheduled_learning_rate(const config::LrScheduleConfig& schedule, double base, std::int64_t step,
                               std::int64_t total_steps);

}  // namespace maas::train
