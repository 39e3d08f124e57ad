// render_residual_histogram: how far predictions miss, as counts of (prediction - truth) per bin.

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/common/error.h"
#include "core/report/axis.h"
#include "core/report/chart_style.h"
#include "core/report/plots.h"

namespace maas::report {

namespace {

constexpr double kPlotWidth = 480.0;
constexpr double kPlotHeight = 260.0;
constexpr double kYAxisWidth = 50.0;
constexpr int kMinBins = 5;
constexpr int kMaxBins = 40;

}  // namespace

std::string render_residual_histogram(const train::RegressionReport& report, std::string_view subtitle) {
  const std::vector<double>& truths = report.truths();
  const std::vector<double>& predictions = report.predictions();
  if (truths.empty()) {
    throw InvalidArgument("residual histogram: the report has no examples; evaluate at least one labelled row");
  }
  std::vector<double> residuals(truths.size());
  double sum = 0.0;
  for (std::size_t i = 0; i < truths.size(); ++i) {
    residuals[i] = predictions[i] - truths[i];
    if (!std::isfinite(residuals[i])) {
      throw InvalidArgument(fmt::format("residual histogram: example {} has true value {} and prediction {}; "
                                        "expected finite numbers",
                                        i + 1, truths[i], predictions[i]));
    }
    sum += residuals[i];
  }
  const auto [low, high] = std::minmax_element(residuals.begin(), residuals.end());

  // About sqrt(n) bins, on edges that fall on round numbers so the tick labels read as bin edges.
  const int target_bins =
      std::clamp(static_cast<int>(std::sqrt(static_cast<double>(residuals.size()))), kMinBins, kMaxBins);
  const AxisScale x_scale = nice_scale(*low, *high, target_bins + 1);
  const auto bins = static_cast<std::size_t>(std::llround((x_scale.max - x_scale.min) / x_scale.step));
  std::vector<std::int64_t> counts(bins, 0);
  for (double residual : residuals) {
    // nice_scale may round its ends by a hair, so a value at an end can land just outside.
    const double position = std::floor((residual - x_scale.min) / x_scale.step);
    const double last = static_cast<double>(bins - 1);
    ++counts[static_cast<std::size_t>(std::clamp(position, 0.0, last))];
  }
  const std::int64_t tallest = *std::max_element(counts.begin(), counts.end());
  const AxisScale y_scale = nice_scale(0.0, static_cast<double>(tallest), 5);

  const double mean = sum / static_cast<double>(residuals.size());
  const std::string title = fmt::format("Residuals (predicted - true {}), {} examples, mean {:.3g}", report.target(),
                                        residuals.size(), mean);
  const double plot_left = kMargin + kYAxisWidth;
  const double plot_top = kHeaderHeight + 20.0;
  const double plot_bottom = plot_top + kPlotHeight;
  const double width = std::max(plot_left + kPlotWidth + kMargin, header_width(title));
  const double height = plot_bottom + 44.0;
  const auto x_of = [&](double value) {
    return plot_left + (value - x_scale.min) / (x_scale.max - x_scale.min) * kPlotWidth;
  };
  const auto y_of = [&](double count) { return plot_bottom - count / y_scale.max * kPlotHeight; };

  SvgWriter svg(width, height, title);
  draw_header(svg, width, title, subtitle);
  for (double tick : y_scale.ticks) {
    svg.line(plot_left, y_of(tick), plot_left + kPlotWidth, y_of(tick), kGridColour);
    svg.text(plot_left - 6.0, y_of(tick) + kSmallSize * 0.35, format_tick(tick, y_scale.step),
             text_style(kSmallSize, kMutedTextColour, "end"));
  }
  for (double tick : x_scale.ticks) {
    svg.text(x_of(tick), plot_bottom + 16.0, format_tick(tick, x_scale.step),
             text_style(kSmallSize, kMutedTextColour, "middle"));
  }
  for (std::size_t b = 0; b < bins; ++b) {
    if (counts[b] == 0) continue;
    const double left = x_scale.min + static_cast<double>(b) * x_scale.step;
    const double right = left + x_scale.step;
    svg.open("g");
    svg.text_element("title", {}, fmt::format("{} to {}: {} {}", format_tick(left, x_scale.step),
                                              format_tick(right, x_scale.step), counts[b],
                                              counts[b] == 1 ? "example" : "examples"));
    svg.rect(x_of(left) + 0.5, y_of(static_cast<double>(counts[b])), x_of(right) - x_of(left) - 1.0,
             y_of(0.0) - y_of(static_cast<double>(counts[b])), kBlue, {{"class", "bin"}});
    svg.close();
  }
  // A perfect model puts every example in the bin at 0.
  if (x_scale.min <= 0.0 && 0.0 <= x_scale.max) {
    svg.line(x_of(0.0), plot_top, x_of(0.0), plot_bottom, kTextColour, 1.5,
             {{"stroke-dasharray", "4 3"}, {"class", "zero"}});
  }
  draw_axes(svg, plot_left, plot_top, kPlotWidth, kPlotHeight, fmt::format("predicted - true {}", report.target()),
            "examples");
  return svg.finish();
}

}  // namespace maas::report
