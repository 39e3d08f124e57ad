// render_class_metrics: one group of three horizontal bars (precision, recall, F1) per label, on a
// shared 0 to 1 axis, with each label's support under its name.

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/report/chart_style.h"
#include "core/report/plots.h"
#include "core/report/text_layout.h"

namespace maas::report {

namespace {

constexpr double kMaxLabelWidth = 220.0;
constexpr double kPlotWidth = 400.0;
constexpr double kValueWidth = 46.0;  // room right of the 1.0 line for "1.000"

struct Measure {
  std::string_view name;
  std::string_view colour;
};
constexpr std::array<Measure, 3> kMeasures = {{{"precision", kBlue}, {"recall", kOrange}, {"F1", kGreen}}};

// The values the chart draws, taken from a report of either task so one drawing serves both.
struct LabelMetrics {
  std::vector<std::string> labels;
  std::vector<std::array<double, 3>> values;  // precision, recall, F1 per label
  std::vector<std::int64_t> support;
  double macro_f1 = 0.0;
  std::string title;
};

template <typename Report>
LabelMetrics collect_metrics(const Report& report, std::string title) {
  LabelMetrics metrics{report.labels(), {}, {}, report.macro_f1(), std::move(title)};
  for (std::size_t c = 0; c < metrics.labels.size(); ++c) {
    metrics.values.push_back({report.precision(c), report.recall(c), report.f1(c)});
    metrics.support.push_back(report.support(c));
  }
  return metrics;
}

std::string render_label_metrics(const LabelMetrics& report, std::string_view subtitle) {
  const std::vector<std::string>& labels = report.labels;
  const std::size_t n = labels.size();

  // Thinner bars for many labels keep 20 labels under about 900 pixels tall.
  const double bar = n <= 12 ? 12.0 : 9.0;
  const double bar_gap = 2.0;
  const double group_gap = n <= 12 ? 16.0 : 12.0;
  const double group_height = 3 * bar + 2 * bar_gap;

  double widest_label = estimate_text_width("support 00000", kSmallSize);
  for (const std::string& label : labels) {
    widest_label = std::max(widest_label, estimate_text_width(label, kLabelSize));
  }
  const double label_width = std::min(widest_label, kMaxLabelWidth);
  const double plot_left = kMargin + label_width + 12.0;
  const double legend_y = kHeaderHeight + 14.0;
  const double plot_top = legend_y + 38.0;
  const double plot_height = static_cast<double>(n) * (group_height + group_gap) + group_gap;
  const double height = plot_top + plot_height + 34.0;
  const std::string& title = report.title;
  const double width = std::max(plot_left + kPlotWidth + kValueWidth + kMargin, header_width(title));
  SvgWriter svg(width, height, title);
  draw_header(svg, width, title, subtitle);

  // Legend: one swatch per measure, then the macro-F1 line.
  double legend_x = plot_left;
  for (const Measure& measure : kMeasures) {
    svg.rect(legend_x, legend_y - 10.0, 12.0, 12.0, measure.colour);
    svg.text(legend_x + 17.0, legend_y, measure.name, text_style(kLabelSize));
    legend_x += 17.0 + estimate_text_width(measure.name, kLabelSize) + 18.0;
  }
  svg.line(legend_x, legend_y - 4.0, legend_x + 22.0, legend_y - 4.0, kTextColour, 1.5, {{"stroke-dasharray", "4 3"}});
  svg.text(legend_x + 27.0, legend_y, "macro-F1", text_style(kLabelSize));

  const auto x_of = [&](double value) { return plot_left + std::clamp(value, 0.0, 1.0) * kPlotWidth; };
  for (int tick = 0; tick <= 5; ++tick) {
    const double value = tick / 5.0;
    const double x = x_of(value);
    svg.line(x, plot_top, x, plot_top + plot_height, tick == 0 ? kAxisColour : kGridColour);
    const std::string label = fmt::format("{:.1f}", value);
    svg.text(x, plot_top - 6.0, label, text_style(kSmallSize, kMutedTextColour, "middle"));
    svg.text(x, plot_top + plot_height + 15.0, label, text_style(kSmallSize, kMutedTextColour, "middle"));
  }

  // Drawn before the bars, so the bars and the white boxes behind the values cover it.
  const double macro_x = x_of(report.macro_f1);
  svg.line(macro_x, plot_top, macro_x, plot_top + plot_height, kTextColour, 1.5, {{"stroke-dasharray", "4 3"}});

  for (std::size_t c = 0; c < n; ++c) {
    const double top = plot_top + group_gap + static_cast<double>(c) * (group_height + group_gap);
    const double middle = top + group_height / 2.0;
    svg.text(plot_left - 12.0, middle - 1.0, fit_text(labels[c], kLabelSize, label_width),
             text_style(kLabelSize, kTextColour, "end"), labels[c]);
    svg.text(plot_left - 12.0, middle + kSmallSize + 1.0, fmt::format("support {}", report.support[c]),
             text_style(kSmallSize, kMutedTextColour, "end"));
    const std::array<double, 3>& values = report.values[c];
    for (std::size_t m = 0; m < kMeasures.size(); ++m) {
      const double y = top + static_cast<double>(m) * (bar + bar_gap);
      const std::string value = fmt::format("{:.3f}", values[m]);
      svg.open("g");
      svg.text_element("title", {}, fmt::format("{} {}: {}", labels[c], kMeasures[m].name, value));
      svg.rect(plot_left, y, x_of(values[m]) - plot_left, bar, kMeasures[m].colour);
      const double value_size = bar < 12.0 ? kSmallSize - 1.0 : kSmallSize;
      svg.rect(x_of(values[m]) + 2.0, y, estimate_text_width(value, value_size) + 4.0, bar, "#ffffff");
      svg.text(x_of(values[m]) + 4.0, y + bar / 2.0 + value_size * 0.35, value, text_style(value_size, kTextColour));
      svg.close();
    }
  }
  return svg.finish();
}

}  // namespace

std::string render_class_metrics(const train::ClassificationReport& report, std::string_view subtitle) {
  return render_label_metrics(
      collect_metrics(report, fmt::format("Precision, recall and F1 per label (macro-F1 {:.3f})", report.macro_f1())),
      subtitle);
}

std::string render_class_metrics(const train::MultiLabelReport& report, std::string_view subtitle) {
  return render_label_metrics(
      collect_metrics(report, fmt::format("Precision, recall and F1 per label at threshold {:g} (macro-F1 {:.3f}, "
                                          "micro-F1 {:.3f})",
                                          report.threshold(), report.macro_f1(), report.micro_f1())),
      subtitle);
}

}  // namespace maas::report
