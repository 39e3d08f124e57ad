#include "core/report/chart_style.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "core/report/text_layout.h"

namespace maas::report {

namespace {

struct Rgb {
  double r, g, b;
};

// ColorBrewer "Blues", 9 classes (Cynthia Brewer, colorbrewer2.org).
constexpr std::array<Rgb, 9> kBluesStops = {{{247, 251, 255},
                                             {222, 235, 247},
                                             {198, 219, 239},
                                             {158, 202, 225},
                                             {107, 174, 214},
                                             {66, 146, 198},
                                             {33, 113, 181},
                                             {8, 81, 156},
                                             {8, 48, 107}}};

}  // namespace

std::string blues(double fraction) {
  const double clamped = std::isfinite(fraction) ? std::clamp(fraction, 0.0, 1.0) : 0.0;
  const double position = clamped * (kBluesStops.size() - 1);
  const auto lower = std::min(static_cast<std::size_t>(position), kBluesStops.size() - 2);
  const double t = position - static_cast<double>(lower);
  const Rgb& a = kBluesStops[lower];
  const Rgb& b = kBluesStops[lower + 1];
  const auto mix = [t](double from, double to) { return static_cast<int>(std::lround(from + (to - from) * t)); };
  return fmt::format("#{:02x}{:02x}{:02x}", mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b));
}

bool needs_light_text(double fraction) { return fraction > 0.55; }

namespace {
// DejaVu Sans Bold letters and digits are about 10 to 12% wider than the regular ones that
// estimate_text_width is tuned on.
constexpr double kBoldFactor = 1.15;
}  // namespace

// One pixel of slack keeps fit_text from shortening a title that fits exactly.
double header_width(std::string_view title) {
  return estimate_text_width(title, kTitleSize) * kBoldFactor + 2 * kMargin + 1.0;
}

void draw_header(SvgWriter& svg, double width, std::string_view title, std::string_view subtitle) {
  const double text_width = width - 2 * kMargin;
  svg.text(kMargin, 28, fit_text(title, kTitleSize, text_width / kBoldFactor), text_style(kTitleSize, kTextColour, "start", "bold"),
           title);
  if (!subtitle.empty()) {
    svg.text(kMargin, 47, fit_text(subtitle, kSubtitleSize, text_width), text_style(kSubtitleSize, kMutedTextColour),
             subtitle);
  }
}

SvgAttributes text_style(double size, std::string_view fill, std::string_view anchor, std::string_view weight) {
  SvgAttributes style = {{"font-size", svg_number(size)}, {"fill", std::string(fill)}};
  if (anchor != "start") style.emplace_back("text-anchor", std::string(anchor));
  if (weight != "normal") style.emplace_back("font-weight", std::string(weight));
  return style;
}

void draw_axes(SvgWriter& svg, double left, double top, double width, double height, std::string_view x_title,
               std::string_view y_title) {
  const double bottom = top + height;
  svg.line(left, bottom, left + width, bottom, kAxisColour);
  svg.line(left, top, left, bottom, kAxisColour);
  svg.text(left + width / 2.0, bottom + 34.0, x_title, text_style(kSmallSize, kMutedTextColour, "middle"));
  SvgAttributes vertical = text_style(kSmallSize, kMutedTextColour, "middle");
  vertical.emplace_back("transform",
                        fmt::format("rotate(-90 {} {})", svg_number(left - 36.0), svg_number(top + height / 2.0)));
  svg.text(left - 36.0, top + height / 2.0, y_title, vertical);
}

}  // namespace maas::report
