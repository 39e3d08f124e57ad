#pragma once
// Colours, font sizes and the title block that every chart shares.

#include <string>
#include <string_view>

#include "core/report/svg.h"

namespace maas::report {

// Okabe and Ito's palette, which readers with any common colour-vision deficiency can tell apart.
inline constexpr std::string_view kBlue = "#0072B2";
inline constexpr std::string_view kOrange = "#E69F00";
inline constexpr std::string_view kGreen = "#009E73";
inline constexpr std::string_view kVermillion = "#D55E00";

inline constexpr std::string_view kTextColour = "#222222";
inline constexpr std::string_view kMutedTextColour = "#666666";
inline constexpr std::string_view kGridColour = "#e3e3e3";
inline constexpr std::string_view kAxisColour = "#888888";

inline constexpr double kTitleSize = 17.0;
inline constexpr double kSubtitleSize = 12.0;
inline constexpr double kLabelSize = 12.0;
inline constexpr double kSmallSize = 10.5;
inline constexpr double kMargin = 20.0;

// Height of the block draw_header fills, from the top of the image.
inline constexpr double kHeaderHeight = 58.0;

// Colour for `fraction` in [0, 1] on ColorBrewer's sequential "Blues" scale, white to dark blue.
// Values outside [0, 1] are clamped.
std::string blues(double fraction);

// True when text on the blues(fraction) background reads better in white than in kTextColour.
bool needs_light_text(double fraction);

// Writes `title` and, under it in grey, `subtitle`, both shortened with "…" to fit `width`.
void draw_header(SvgWriter& svg, double width, std::string_view title, std::string_view subtitle);

// Draws the left and bottom axis lines of the plot area at (left, top) of size width x height,
// `x_title` centred 34 pixels under it and `y_title` turned upright 36 pixels left of it.
void draw_axes(SvgWriter& svg, double left, double top, double width, double height, std::string_view x_title,
               std::string_view y_title);

// Image width that draw_header needs to show `title` in full.
double header_width(std::string_view title);

// A style list for SvgWriter::text: font size, fill colour, text-anchor and optional weight.
SvgAttributes text_style(double size, std::string_view fill = kTextColour, std::string_view anchor = "start",
                         std::string_view weight = "normal");

}  // namespace maas::report
