#pragma once
// Axis ranges and tick labels for the charts.

#include <string>
#include <vector>

namespace maas::report {

struct AxisScale {
  double min = 0.0;
  double max = 1.0;
  double step = 0.5;
  std::vector<double> ticks;  // from min to max inclusive, `step` apart
};

// Returns a range that covers [low, high] with about `target_ticks` ticks spaced 1, 2 or 5 times a
// power of ten. A range of zero width is widened so the line sits inside the plot, not on its edge.
// Throws InvalidArgument for non-finite bounds, low > high or target_ticks < 2.
AxisScale nice_scale(double low, double high, int target_ticks);

// Formats a tick value with just enough decimals to tell ticks `step` apart ("0.05", "2", "1e+05").
std::string format_tick(double value, double step);

}  // namespace maas::report
