// Learning-rate schedules against values worked out by hand.

#include "core/train/lr_schedule.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace maas::train {
namespace {

struct ScheduleCase {
  std::string name;
  config::LrScheduleConfig schedule;
  std::int64_t step;
  double expected;
};

// Base rate 0.1 over 10 steps.
// warmup 4: steps 0..3 give 0.1 * 1/4, 2/4, 3/4, 4/4.
// linear_decay, no warmup, alpha 0: p = step / 10, rate 0.1 (1 - p): step 5 -> 0.05.
// linear_decay, warmup 4, alpha 0.5: p = (step - 4) / 6; step 7 -> p 0.5,
//   0.1 (0.5 + 0.5 * 0.5) = 0.075.
// cosine, no warmup, alpha 0: step 5 -> p 0.5, 0.1 (1 + cos(pi/2)) / 2 = 0.05;
//   step 10 -> p 1, 0; step 2 -> p 0.2, 0.1 (1 + cos(0.2 pi)) / 2 = 0.1 (1 + 0.809017) / 2 = 0.0904508.
// cosine, alpha 0.1: step 10 -> 0.1 * 0.1 = 0.01; past the end keeps it.
std::vector<ScheduleCase> cases() {
  return {
      {"constant", {"constant", 0, 0.0}, 7, 0.1},
      {"warmup first step", {"constant", 4, 0.0}, 0, 0.025},
      {"warmup third step", {"constant", 4, 0.0}, 2, 0.075},
      {"warmup last step", {"constant", 4, 0.0}, 3, 0.1},
      {"constant after warmup", {"constant", 4, 0.0}, 9, 0.1},
      {"linear start", {"linear_decay", 0, 0.0}, 0, 0.1},
      {"linear middle", {"linear_decay", 0, 0.0}, 5, 0.05},
      {"linear with warmup and alpha", {"linear_decay", 4, 0.5}, 7, 0.075},
      {"cosine middle", {"cosine", 0, 0.0}, 5, 0.05},
      {"cosine fifth", {"cosine", 0, 0.0}, 2, 0.0904508},
      {"cosine end", {"cosine", 0, 0.0}, 10, 0.0},
      {"cosine alpha end", {"cosine", 0, 0.1}, 10, 0.01},
      {"cosine past end", {"cosine", 0, 0.1}, 25, 0.01},
  };
}

TEST(LrSchedule, MatchesHandValues) {
  for (const ScheduleCase& c : cases()) {
    SCOPED_TRACE(c.name);
    EXPECT_NEAR(scheduled_learning_rate(c.schedule, 0.1, c.step, 10), c.expected, 1e-7);
  }
}

TEST(LrSchedule, WarmupLongerThanRunStillRises) {
  const config::LrScheduleConfig schedule{"cosine", 20, 0.0};
  EXPECT_NEAR(scheduled_learning_rate(schedule, 0.1, 9, 10), 0.05, 1e-12);
}

TEST(LrSchedule, DecayIsMonotonic) {
  for (const std::string name : {"linear_decay", "cosine"}) {
    const config::LrScheduleConfig schedule{name, 3, 0.2};
    double previous = scheduled_learning_rate(schedule, 1.0, 3, 50);
    for (std::int64_t step = 4; step < 50; ++step) {
      const double rate = scheduled_learning_rate(schedule, 1.0, step, 50);
      EXPECT_LE(rate, previous) << name << " step " << step;
      EXPECT_GE(rate, 0.2) << name << " step " << step;
      previous = rate;
    }
  }
}

}  // namespace
}  // namespace maas::train
