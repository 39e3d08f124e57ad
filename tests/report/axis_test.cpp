#include "core/report/axis.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "core/common/error.h"

namespace maas::report {
namespace {

TEST(NiceScale, RoundsToOneTwoFiveSteps) {
  struct Case {
    double low, high;
    int ticks;
    double min, max, step;
  };
  // Worked by hand: raw step = (high - low) / (ticks - 1), rounded up to 1, 2 or 5 x 10^k, and
  // the bounds rounded outwards to multiples of it.
  const std::vector<Case> cases = {
      {0.12, 0.87, 5, 0.0, 1.0, 0.2},    // raw 0.1875
      {0.31, 1.94, 5, 0.0, 2.0, 0.5},    // raw 0.4075
      {0.0, 100.0, 6, 0.0, 100.0, 20.0}, // raw 20
      {0.912, 0.958, 5, 0.90, 0.96, 0.02},  // raw 0.0115
      {-3.0, 7.0, 3, -5.0, 10.0, 5.0},   // raw 5
  };
  for (const Case& c : cases) {
    const AxisScale scale = nice_scale(c.low, c.high, c.ticks);
    EXPECT_NEAR(scale.min, c.min, 1e-12) << c.low << ".." << c.high;
    EXPECT_NEAR(scale.max, c.max, 1e-12) << c.low << ".." << c.high;
    EXPECT_NEAR(scale.step, c.step, 1e-12) << c.low << ".." << c.high;
    ASSERT_FALSE(scale.ticks.empty());
    EXPECT_NEAR(scale.ticks.front(), c.min, 1e-12);
    EXPECT_NEAR(scale.ticks.back(), c.max, 1e-12);
  }
}

TEST(NiceScale, WidensZeroWidthRange) {
  const AxisScale scale = nice_scale(0.5, 0.5, 5);
  EXPECT_LT(scale.min, 0.5);
  EXPECT_GT(scale.max, 0.5);
}

TEST(NiceScale, RejectsInvalidRanges) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_THROW(nice_scale(nan, 1.0, 5), InvalidArgument);
  EXPECT_THROW(nice_scale(0.0, inf, 5), InvalidArgument);
  EXPECT_THROW(nice_scale(2.0, 1.0, 5), InvalidArgument);
  EXPECT_THROW(nice_scale(0.0, 1.0, 1), InvalidArgument);
}

TEST(FormatTick, DecimalsFollowStep) {
  EXPECT_EQ(format_tick(0.4, 0.2), "0.4");
  EXPECT_EQ(format_tick(0.95, 0.05), "0.95");
  EXPECT_EQ(format_tick(20.0, 5.0), "20");
  EXPECT_EQ(format_tick(1e-17, 0.2), "0.0");
  EXPECT_EQ(format_tick(-1e-17, 0.2), "0.0");
  EXPECT_EQ(format_tick(250000.0, 50000.0), "2.5e+05");
}

}  // namespace
}  // namespace maas::report
