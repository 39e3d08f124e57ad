// render_confusion_matrix: the heat map. Layout from left to right: axis title, row labels, the
// matrix, the row totals and the colour scale. Column labels go under the matrix, turned 45 degrees
// when they are wider than a cell.

#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "core/report/chart_style.h"
#include "core/report/plots.h"
#include "core/report/text_layout.h"

namespace maas::report {

namespace {

constexpr double kMaxLabelWidth = 200.0;
constexpr double kGap = 8.0;
constexpr double kAxisTitleWidth = 22.0;
constexpr double kScaleBarWidth = 14.0;

// Cells shrink as labels are added so that 20 labels still fit a screen, but never below the
// width of the largest count.
double cell_size(std::size_t labels, double widest_count) {
  double size = 34.0;
  if (labels <= 4) {
    size = 72.0;
  } else if (labels <= 8) {
    size = 58.0;
  } else if (labels <= 14) {
    size = 46.0;
  }
  return std::max(size, widest_count + 12.0);
}

std::string percent(double fraction) {
  if (fraction > 0.0 && fraction < 0.01) return "<1%";
  return fmt::format("{:.0f}%", fraction * 100.0);
}

}  // namespace

std::string render_confusion_matrix(const train::ClassificationReport& report, std::string_view subtitle) {
  const std::vector<std::string>& labels = report.labels();
  const auto& confusion = report.confusion();
  const std::size_t n = labels.size();

  std::vector<std::int64_t> row_totals(n, 0);
  double widest_count = 0.0;
  for (std::size_t r = 0; r < n; ++r) {
    for (std::int64_t count : confusion[r]) {
      row_totals[r] += count;
      widest_count = std::max(widest_count, estimate_text_width(std::to_string(count), kLabelSize));
    }
  }
  const double cell = cell_size(n, widest_count);
  const bool show_percent = cell >= 46.0;

  double widest_label = 0.0;
  for (const std::string& label : labels) {
    widest_label = std::max(widest_label, estimate_text_width(label, kLabelSize));
  }
  const double label_width = std::clamp(widest_label, 30.0, kMaxLabelWidth);
  const bool rotate_columns = label_width > cell - 6.0;
  // A label turned 45 degrees spans width * sin(45°) down and to the left of its anchor.
  const double diagonal = label_width * std::numbers::sqrt2 / 2.0;
  const double column_label_height = rotate_columns ? diagonal + kLabelSize : kLabelSize + 6.0;

  const double matrix_left_min = kMargin + kAxisTitleWidth + label_width + kGap;
  // The first column's turned label must not run past the left edge of the image.
  const double matrix_left = rotate_columns ? std::max(matrix_left_min, kMargin + diagonal - cell / 2.0 + kLabelSize)
                                            : matrix_left_min;
  const double matrix_top = kHeaderHeight + 34.0;
  const double matrix_size = cell * static_cast<double>(n);
  const double totals_left = matrix_left + matrix_size + kGap;
  double widest_total = estimate_text_width("total", kSmallSize);
  for (std::int64_t total : row_totals) {
    widest_total = std::max(widest_total, estimate_text_width(std::to_string(total), kLabelSize));
  }
  const double scale_left = totals_left + widest_total + 3 * kGap;
  const double scale_height = std::clamp(matrix_size, 80.0, 240.0);
  const double scale_right = scale_left + kScaleBarWidth + 40.0 + kMargin;
  const double column_labels_top = matrix_top + matrix_size + 8.0;
  const double axis_title_y = column_labels_top + column_label_height + 18.0;
  const bool has_unknown = !report.unknown_labels().empty();
  const double height = axis_title_y + (has_unknown ? 34.0 : 16.0);

  const std::string title = fmt::format("Confusion matrix: accuracy {:.3f} on {} examples", report.accuracy(),
                                        report.examples());
  const double width = std::max({scale_right, header_width(title), 360.0});
  SvgWriter svg(width, height, title);
  draw_header(svg, width, title, subtitle);

  svg.open("defs");
  svg.open("linearGradient", {{"id", "share"}, {"x1", "0"}, {"y1", "1"}, {"x2", "0"}, {"y2", "0"}});
  for (int stop = 0; stop <= 8; ++stop) {
    svg.empty("stop", {{"offset", svg_number(stop / 8.0)}, {"stop-color", blues(stop / 8.0)}});
  }
  svg.close();
  svg.close();

  svg.text(totals_left + widest_total / 2.0, matrix_top - 12.0, "total",
           text_style(kSmallSize, kMutedTextColour, "middle"));

  for (std::size_t r = 0; r < n; ++r) {
    const double y = matrix_top + cell * static_cast<double>(r);
    svg.text(matrix_left - kGap, y + cell / 2.0 + kLabelSize * 0.35, fit_text(labels[r], kLabelSize, label_width),
             text_style(kLabelSize, kTextColour, "end"), labels[r]);
    for (std::size_t c = 0; c < n; ++c) {
      const double x = matrix_left + cell * static_cast<double>(c);
      const std::int64_t count = confusion[r][c];
      const double share =
          row_totals[r] == 0 ? 0.0 : static_cast<double>(count) / static_cast<double>(row_totals[r]);
      svg.open("g");
      svg.text_element("title", {},
                       fmt::format("true {}, predicted {}: {} of {} ({})", labels[r], labels[c], count, row_totals[r],
                                   percent(share)));
      svg.rect(x, y, cell, cell, blues(share), {{"stroke", "#ffffff"}, {"stroke-width", "1"}});
      const std::string_view ink = needs_light_text(share) ? "#ffffff" : (count == 0 ? "#9a9a9a" : kTextColour);
      const std::string_view weight = r == c ? "bold" : "normal";
      if (show_percent && count > 0) {
        svg.text(x + cell / 2.0, y + cell / 2.0 - 1.0, std::to_string(count), text_style(kLabelSize, ink, "middle", weight));
        svg.text(x + cell / 2.0, y + cell / 2.0 + kSmallSize + 1.0, percent(share), text_style(kSmallSize - 0.5, ink, "middle"));
      } else {
        svg.text(x + cell / 2.0, y + cell / 2.0 + kLabelSize * 0.35, std::to_string(count),
                 text_style(kLabelSize, ink, "middle", weight));
      }
      svg.close();
    }
    svg.text(totals_left + widest_total / 2.0, y + cell / 2.0 + kLabelSize * 0.35, std::to_string(row_totals[r]),
             text_style(kLabelSize, kMutedTextColour, "middle"));
  }
  svg.rect(matrix_left, matrix_top, matrix_size, matrix_size, "none", {{"stroke", kAxisColour.data()}});

  for (std::size_t c = 0; c < n; ++c) {
    const double x = matrix_left + cell * (static_cast<double>(c) + 0.5);
    const std::string shown = fit_text(labels[c], kLabelSize, label_width);
    if (rotate_columns) {
      // The baseline ends right of the column centre so the glyphs, which sit above it, centre on it.
      const double anchor_x = x + kLabelSize * 0.35;
      const double anchor_y = column_labels_top + kLabelSize * 0.6;
      SvgAttributes style = text_style(kLabelSize, kTextColour, "end");
      style.emplace_back("transform", fmt::format("rotate(-45 {} {})", svg_number(anchor_x), svg_number(anchor_y)));
      svg.text(anchor_x, anchor_y, shown, style, labels[c]);
    } else {
      svg.text(x, column_labels_top + kLabelSize, shown, text_style(kLabelSize, kTextColour, "middle"), labels[c]);
    }
  }

  const auto axis_title = text_style(kLabelSize, kMutedTextColour, "middle", "bold");
  svg.text(matrix_left + matrix_size / 2.0, axis_title_y, "predicted label", axis_title);
  const double true_x = kMargin + kAxisTitleWidth / 2.0;
  const double true_y = matrix_top + matrix_size / 2.0;
  SvgAttributes turned = axis_title;
  turned.emplace_back("transform", fmt::format("rotate(-90 {} {})", svg_number(true_x), svg_number(true_y)));
  svg.text(true_x, true_y, "true label", turned);

  // Colour scale: the share of the true label's examples that a cell holds.
  const double scale_top = matrix_top;
  svg.rect(scale_left, scale_top, kScaleBarWidth, scale_height, "url(#share)", {{"stroke", kAxisColour.data()}});
  for (int tick = 0; tick <= 4; ++tick) {
    const double y = scale_top + scale_height * (1.0 - tick / 4.0);
    svg.line(scale_left + kScaleBarWidth, y, scale_left + kScaleBarWidth + 4.0, y, kAxisColour);
    svg.text(scale_left + kScaleBarWidth + 7.0, y + kSmallSize * 0.35, fmt::format("{}%", tick * 25),
             text_style(kSmallSize, kMutedTextColour));
  }
  svg.text(scale_left, scale_top + scale_height + 16.0, "share of", text_style(kSmallSize, kMutedTextColour));
  svg.text(scale_left, scale_top + scale_height + 29.0, "the row", text_style(kSmallSize, kMutedTextColour));

  if (has_unknown) {
    std::int64_t unknown = 0;
    for (const auto& [label, count] : report.unknown_labels()) unknown += count;
    const std::string note =
        unknown == 1 ? std::string("1 example has a label the model does not know; it is not in the matrix but "
                                   "counts as an error")
                     : fmt::format("{} examples have labels the model does not know; they are not in the matrix "
                                   "but count as errors",
                                   unknown);
    svg.text(kMargin, height - 14.0, fit_text(note, kSmallSize, width - 2 * kMargin),
             text_style(kSmallSize, kVermillion), note);
  }
  return svg.finish();
}

}  // namespace maas::report
