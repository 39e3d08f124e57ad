// render_regression_scatter: predicted against true value on one square plot with the line y = x.

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/common/error.h"
#include "core/report/axis.h"
#include "core/report/chart_style.h"
#include "core/report/plots.h"

namespace maas::report {

namespace {

constexpr double kPlotSize = 360.0;
constexpr double kYAxisWidth = 50.0;
// Dots this many or fewer get a tooltip each; more would make the file large for little use.
constexpr std::size_t kMaxDotsWithTooltips = 2000;

}  // namespace

std::string render_regression_scatter(const train::RegressionReport& report, std::string_view subtitle) {
  const std::vector<double>& truths = report.truths();
  const std::vector<double>& predictions = report.predictions();
  if (truths.empty()) {
    throw InvalidArgument("regression scatter: the report has no examples; evaluate at least one labelled row");
  }
  double low = truths.front();
  double high = truths.front();
  for (std::size_t i = 0; i < truths.size(); ++i) {
    if (!std::isfinite(truths[i]) || !std::isfinite(predictions[i])) {
      throw InvalidArgument(fmt::format("regression scatter: example {} has true value {} and prediction {}; "
                                        "expected finite numbers",
                                        i + 1, truths[i], predictions[i]));
    }
    low = std::min({low, truths[i], predictions[i]});
    high = std::max({high, truths[i], predictions[i]});
  }
  // One scale on both axes, so the line y = x is the diagonal.
  const AxisScale scale = nice_scale(low, high, 6);

  const std::string title = fmt::format("Predicted against true {} (MSE {:.3f}, MAE {:.3f}, R^2 {:.3f})",
                                        report.target(), report.mse(), report.mae(), report.r2());
  const double plot_left = kMargin + kYAxisWidth;
  const double plot_top = kHeaderHeight + 20.0;
  const double plot_bottom = plot_top + kPlotSize;
  const double width = std::max(plot_left + kPlotSize + kMargin, header_width(title));
  const double height = plot_bottom + 44.0;
  const auto x_of = [&](double value) { return plot_left + (value - scale.min) / (scale.max - scale.min) * kPlotSize; };
  const auto y_of = [&](double value) { return plot_bottom - (value - scale.min) / (scale.max - scale.min) * kPlotSize; };

  SvgWriter svg(width, height, title);
  draw_header(svg, width, title, subtitle);
  for (double tick : scale.ticks) {
    const std::string label = format_tick(tick, scale.step);
    svg.line(plot_left, y_of(tick), plot_left + kPlotSize, y_of(tick), kGridColour);
    svg.line(x_of(tick), plot_top, x_of(tick), plot_bottom, kGridColour);
    svg.text(plot_left - 6.0, y_of(tick) + kSmallSize * 0.35, label, text_style(kSmallSize, kMutedTextColour, "end"));
    svg.text(x_of(tick), plot_bottom + 16.0, label, text_style(kSmallSize, kMutedTextColour, "middle"));
  }
  draw_axes(svg, plot_left, plot_top, kPlotSize, kPlotSize, fmt::format("true {}", report.target()), "predicted");

  svg.line(x_of(scale.min), y_of(scale.min), x_of(scale.max), y_of(scale.max), kTextColour, 1.5,
           {{"stroke-dasharray", "4 3"}, {"class", "identity"}});
  const bool tooltips = truths.size() <= kMaxDotsWithTooltips;
  for (std::size_t i = 0; i < truths.size(); ++i) {
    const SvgAttributes dot = {{"cx", svg_number(x_of(truths[i]))},
                               {"cy", svg_number(y_of(predictions[i]))},
                               {"r", "3"},
                               {"fill", std::string(kBlue)},
                               {"fill-opacity", "0.6"}};
    if (!tooltips) {
      svg.empty("circle", dot);
      continue;
    }
    svg.open("g");
    svg.text_element("title", {}, fmt::format("example {}: true {:.4g}, predicted {:.4g}", i + 1, truths[i], predictions[i]));
    svg.empty("circle", dot);
    svg.close();
  }
  return svg.finish();
}

}  // namespace maas::report
