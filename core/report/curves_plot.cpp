// render_training_curves: a loss panel and a score panel side by side, sharing the epoch axis.

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "core/common/error.h"
#include "core/report/axis.h"
#include "core/report/chart_style.h"
#include "core/report/plots.h"
#include "core/report/text_layout.h"

namespace maas::report {

namespace {

constexpr double kPlotWidth = 380.0;
constexpr double kPlotHeight = 240.0;
constexpr double kYAxisWidth = 50.0;
constexpr double kPanelGap = 36.0;
constexpr int kMaxEpochsWithMarkers = 40;

struct CurveStyle {
  std::string_view name;
  std::string_view colour;
  std::string_view dash;  // empty for a solid line
};

// The loss panel contains the metrics where lower is better, the score panel those where higher is
// better. A run has only its task's metrics, so colours repeat across tasks but not within one.
constexpr std::array<CurveStyle, 5> kLossCurves = {{{"loss", kBlue, ""},
                                                    {"val_loss", kOrange, "6 4"},
                                                    {"val_hamming_loss", kGreen, "2 3"},
                                                    {"val_mse", kGreen, "2 3"},
                                                    {"val_mae", kVermillion, "8 3 2 3"}}};
constexpr std::array<CurveStyle, 6> kScoreCurves = {{{"accuracy", kBlue, ""},
                                                     {"val_accuracy", kOrange, "6 4"},
                                                     {"val_macro_f1", kGreen, "2 3"},
                                                     {"val_micro_f1", kVermillion, "8 3 2 3"},
                                                     {"val_subset_accuracy", kOrange, "6 4"},
                                                     {"val_r2", kOrange, "6 4"}}};

// The score panel's title, from the metrics the run wrote.
std::string score_title(const TrainingHistory& history) {
  if (history.find("val_r2") != nullptr) return "R^2";
  if (history.find("val_micro_f1") != nullptr) return "Accuracy, F1 and subset accuracy";
  if (history.find("val_macro_f1") != nullptr) return "Accuracy and macro-F1";
  return "Accuracy";
}

std::string loss_title(const TrainingHistory& history) {
  if (history.find("val_mae") != nullptr) return "Loss (MSE) and MAE";
  if (history.find("val_hamming_loss") != nullptr) return "Loss and Hamming loss";
  return "Loss";
}

struct Panel {
  std::string title;
  std::vector<std::pair<const TrainingCurve*, CurveStyle>> curves;
};

template <std::size_t N>
Panel make_panel(const TrainingHistory& history, std::string title, const std::array<CurveStyle, N>& styles) {
  Panel panel{std::move(title), {}};
  for (const CurveStyle& style : styles) {
    if (const TrainingCurve* curve = history.find(style.name)) panel.curves.emplace_back(curve, style);
  }
  return panel;
}

// Epoch ticks: every epoch up to 10, else 1 and the multiples of a 1, 2 or 5 step.
std::vector<int> epoch_ticks(int epochs) {
  if (epochs <= 10) {
    std::vector<int> ticks;
    for (int e = 1; e <= epochs; ++e) ticks.push_back(e);
    return ticks;
  }
  const int step = static_cast<int>(nice_scale(0.0, epochs, 7).step);
  std::vector<int> ticks = {1};
  for (int e = step; e <= epochs; e += step) {
    if (e - 1 >= step / 2) ticks.push_back(e);
  }
  return ticks;
}

std::string legend_label(const TrainingCurve& curve, const CurveStyle& style) {
  return fmt::format("{} (last {:.3f})", style.name, curve.points.back().second);
}

// Offsets of the legend entries "name 0.123" (value at the last epoch), in rows that wrap at the
// plot width.
std::vector<std::pair<double, double>> layout_legend(const Panel& panel) {
  std::vector<std::pair<double, double>> offsets;
  double x = 0.0;
  double y = 0.0;
  for (const auto& [curve, style] : panel.curves) {
    const double entry_width = 30.0 + estimate_text_width(legend_label(*curve, style), kSmallSize) + 16.0;
    if (x > 0.0 && x + entry_width > kPlotWidth) {
      x = 0.0;
      y += 17.0;
    }
    offsets.emplace_back(x, y);
    x += entry_width;
  }
  return offsets;
}

double legend_height(const Panel& panel) {
  const auto offsets = layout_legend(panel);
  return offsets.empty() ? 17.0 : offsets.back().second + 17.0;
}

void draw_legend(SvgWriter& svg, const Panel& panel, double left, double top) {
  const auto offsets = layout_legend(panel);
  for (std::size_t i = 0; i < panel.curves.size(); ++i) {
    const auto& [curve, style] = panel.curves[i];
    const double x = left + offsets[i].first;
    const double y = top + offsets[i].second;
    SvgAttributes stroke = {{"stroke-linecap", "round"}};
    if (!style.dash.empty()) stroke.emplace_back("stroke-dasharray", std::string(style.dash));
    svg.line(x, y - 4.0, x + 24.0, y - 4.0, style.colour, 2.5, stroke);
    svg.text(x + 30.0, y, legend_label(*curve, style), text_style(kSmallSize));
  }
}

void draw_panel(SvgWriter& svg, const Panel& panel, int epochs, double left, double top, double legend_space) {
  svg.text(left, top, panel.title, text_style(13.0, kTextColour, "start", "bold"));
  draw_legend(svg, panel, left, top + 20.0);
  const double plot_left = left + kYAxisWidth;
  const double plot_top = top + 20.0 + legend_space + 4.0;
  const double plot_bottom = plot_top + kPlotHeight;

  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  for (const auto& [curve, style] : panel.curves) {
    for (const auto& [epoch, value] : curve->points) {
      low = std::min(low, value);
      high = std::max(high, value);
    }
  }
  const AxisScale y_scale = nice_scale(low, high, 5);
  // One epoch gets a domain of [0, 2] so its point sits in the middle.
  const double x_min = epochs == 1 ? 0.0 : 1.0;
  const double x_max = epochs == 1 ? 2.0 : epochs;
  const auto x_of = [&](double epoch) { return plot_left + (epoch - x_min) / (x_max - x_min) * kPlotWidth; };
  const auto y_of = [&](double value) {
    return plot_bottom - (value - y_scale.min) / (y_scale.max - y_scale.min) * kPlotHeight;
  };

  for (double tick : y_scale.ticks) {
    const double y = y_of(tick);
    svg.line(plot_left, y, plot_left + kPlotWidth, y, kGridColour);
    svg.text(plot_left - 6.0, y + kSmallSize * 0.35, format_tick(tick, y_scale.step),
             text_style(kSmallSize, kMutedTextColour, "end"));
  }
  for (int tick : epoch_ticks(epochs)) {
    const double x = x_of(tick);
    svg.line(x, plot_bottom, x, plot_bottom + 4.0, kAxisColour);
    svg.text(x, plot_bottom + 16.0, std::to_string(tick), text_style(kSmallSize, kMutedTextColour, "middle"));
  }
  svg.line(plot_left, plot_bottom, plot_left + kPlotWidth, plot_bottom, kAxisColour);
  svg.line(plot_left, plot_top, plot_left, plot_bottom, kAxisColour);
  svg.text(plot_left + kPlotWidth / 2.0, plot_bottom + 32.0, "epoch", text_style(kSmallSize, kMutedTextColour, "middle"));

  for (const auto& [curve, style] : panel.curves) {
    SvgAttributes line_style = {{"fill", "none"},
                                {"stroke", std::string(style.colour)},
                                {"stroke-width", "2.5"},
                                {"stroke-linejoin", "round"},
                                {"stroke-linecap", "round"}};
    if (!style.dash.empty()) line_style.emplace_back("stroke-dasharray", std::string(style.dash));
    // A missing epoch (no value, or null for NaN) breaks the line instead of bridging it.
    std::string points;
    int previous_epoch = -1;
    const auto flush = [&] {
      if (points.find(' ') != std::string::npos) {
        SvgAttributes attributes = {{"points", points}};
        attributes.insert(attributes.end(), line_style.begin(), line_style.end());
        svg.empty("polyline", attributes);
      }
      points.clear();
    };
    for (const auto& [epoch, value] : curve->points) {
      if (epoch != previous_epoch + 1) flush();
      if (!points.empty()) points += ' ';
      points += svg_number(x_of(epoch)) + "," + svg_number(y_of(value));
      previous_epoch = epoch;
    }
    flush();
    if (epochs <= kMaxEpochsWithMarkers) {
      for (const auto& [epoch, value] : curve->points) {
        svg.open("g");
        svg.text_element("title", {}, fmt::format("{} at epoch {}: {:.4f}", style.name, epoch, value));
        svg.empty("circle", {{"cx", svg_number(x_of(epoch))},
                             {"cy", svg_number(y_of(value))},
                             {"r", epochs == 1 ? "5" : "3.5"},
                             {"fill", std::string(style.colour)},
                             {"stroke", "#ffffff"},
                             {"stroke-width", "1"}});
        svg.close();
      }
    }
  }
}

}  // namespace

std::string render_training_curves(const TrainingHistory& history, std::string_view subtitle) {
  std::vector<Panel> panels;
  for (Panel panel : {make_panel(history, loss_title(history), kLossCurves),
                      make_panel(history, score_title(history), kScoreCurves)}) {
    if (!panel.curves.empty()) panels.push_back(std::move(panel));
  }
  if (panels.empty() || history.epochs < 1) {
    throw InvalidArgument(fmt::format("training curves: the history has {} epochs and no metric that "
                                      "'maas train' writes, such as loss or val_loss; expected at least one epoch "
                                      "with one of them",
                                      history.epochs));
  }

  // Both panels reserve the taller legend so their plots line up.
  double legend_space = 17.0;
  for (const Panel& panel : panels) legend_space = std::max(legend_space, legend_height(panel));
  const double panel_width = kYAxisWidth + kPlotWidth;
  const std::string title = fmt::format("Training curves over {} epoch{}", history.epochs,
                                        history.epochs == 1 ? "" : "s");
  const double width = std::max(2 * kMargin + panel_width * static_cast<double>(panels.size()) +
                                    kPanelGap * static_cast<double>(panels.size() - 1),
                                header_width(title));
  const double panel_top = kHeaderHeight + 18.0;
  const double height = panel_top + 20.0 + legend_space + 4.0 + kPlotHeight + 44.0;
  SvgWriter svg(width, height, title);
  draw_header(svg, width, title, subtitle);
  for (std::size_t p = 0; p < panels.size(); ++p) {
    const double left = kMargin + static_cast<double>(p) * (panel_width + kPanelGap);
    draw_panel(svg, panels[p], history.epochs, left, panel_top, legend_space);
  }
  return svg.finish();
}

}  // namespace maas::report
