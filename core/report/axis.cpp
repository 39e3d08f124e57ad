#include "core/report/axis.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/common/error.h"

namespace maas::report {

namespace {

// The smallest of 1, 2, 5 or 10 times a power of ten that is at least `raw_step`.
double nice_step(double raw_step) {
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw_step)));
  for (double factor : {1.0, 2.0, 5.0, 10.0}) {
    if (factor * magnitude >= raw_step * (1.0 - 1e-9)) return factor * magnitude;
  }
  return 10.0 * magnitude;
}

}  // namespace

AxisScale nice_scale(double low, double high, int target_ticks) {
  if (!std::isfinite(low) || !std::isfinite(high) || low > high || target_ticks < 2) {
    throw InvalidArgument(fmt::format("axis: range [{}, {}] with {} ticks; expected finite bounds, low <= high and "
                                      "at least 2 ticks",
                                      low, high, target_ticks));
  }
  if (high - low < 1e-12) {
    const double pad = std::max(std::abs(low) * 0.05, 0.05);
    low -= pad;
    high += pad;
  }
  AxisScale scale;
  scale.step = nice_step((high - low) / (target_ticks - 1));
  scale.min = std::floor(low / scale.step + 1e-9) * scale.step;
  scale.max = std::ceil(high / scale.step - 1e-9) * scale.step;
  const auto count = static_cast<int>(std::lround((scale.max - scale.min) / scale.step));
  for (int i = 0; i <= count; ++i) scale.ticks.push_back(scale.min + i * scale.step);
  return scale;
}

std::string format_tick(double value, double step) {
  if (std::abs(value) < step * 1e-6) value = 0.0;  // -0 and rounding noise such as 1e-17
  const double magnitude = std::abs(value);
  if (magnitude >= 1e5 || (magnitude > 0 && magnitude < 1e-4)) return fmt::format("{:.2g}", value);
  const int decimals = std::clamp(static_cast<int>(std::ceil(-std::log10(step) - 1e-9)), 0, 6);
  return fmt::format("{:.{}f}", value, decimals);
}

}  // namespace maas::report
