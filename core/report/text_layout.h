#pragma once
// Text measurement for chart layout without a font engine. Widths are estimates from character
// classes, tuned on DejaVu Sans (the usual sans-serif on Linux). Over typical lowercase labels the
// estimate is a few percent wider than DejaVu Sans, so labels get slightly too much room rather than
// overlap. Helvetica and Arial are narrower still.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace maas::report {

// One decoded UTF-8 sequence: its code point and where its bytes are in the source text. An
// invalid or truncated sequence is one byte long, with valid == false and value U+FFFD.
struct CodePoint {
  char32_t value = 0;
  std::size_t offset = 0;
  std::size_t length = 0;
  bool valid = true;
};

std::vector<CodePoint> decode_utf8(std::string_view text);

// Estimated width in pixels of `text` drawn at `font_size` pixels. East Asian wide characters count
// one em, digits and Latin letters about 0.55 to 0.75 em.
double estimate_text_width(std::string_view text, double font_size);

// Returns `text` unchanged when its estimated width fits `max_width`, else its longest prefix (whole
// code points) that fits together with a trailing "…".
std::string fit_text(std::string_view text, double font_size, double max_width);

}  // namespace maas::report
