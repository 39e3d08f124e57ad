#include "core/report/text_layout.h"

namespace maas::report {

namespace {

constexpr char32_t kReplacementCharacter = 0xFFFD;
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026

// East Asian wide and fullwidth blocks (a subset of Unicode's EastAsianWidth W and F classes that
// covers CJK ideographs, kana, Hangul and fullwidth forms).
bool is_wide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) || (c >= 0x3041 && c <= 0x33FF) ||
         (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
         (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1FAFF) ||
         (c >= 0x20000 && c <= 0x3FFFD);
}

// Advance widths in em by character class, close to or slightly above DejaVu Sans' advance widths.
double em_width(char32_t c) {
  if (is_wide(c)) return 1.0;
  if (c == ' ') return 0.32;
  if (c == 'i' || c == 'j' || c == 'l' || c == '.' || c == ',' || c == ':' || c == ';' || c == '\'' ||
      c == '!' || c == '|' || c == 'I') {
    return 0.3;
  }
  if (c == 'f' || c == 't' || c == 'r' || c == '(' || c == ')' || c == '[' || c == ']' || c == '-') return 0.42;
  if (c == 'm' || c == 'w' || c == 'M' || c == 'W' || c == '@' || c == '%') return 0.95;
  if (c >= 'A' && c <= 'Z') return 0.72;
  if (c >= '0' && c <= '9') return 0.64;
  return 0.62;
}

}  // namespace

std::vector<CodePoint> decode_utf8(std::string_view text) {
  std::vector<CodePoint> points;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    char32_t value = 0;
    char32_t min_value = 0;
    if (lead < 0x80) {
      length = 1;
      value = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2;
      value = lead & 0x1F;
      min_value = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      value = lead & 0x0F;
      min_value = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      value = lead & 0x07;
      min_value = 0x10000;
    }
    bool valid = length > 0 && i + length <= text.size();
    for (std::size_t k = 1; valid && k < length; ++k) {
      const auto continuation = static_cast<unsigned char>(text[i + k]);
      valid = (continuation & 0xC0) == 0x80;
      value = (value << 6) | (continuation & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and values past U+10FFFF are invalid UTF-8 too.
    valid = valid && value >= min_value && value <= 0x10FFFF && !(value >= 0xD800 && value <= 0xDFFF);
    if (valid) {
      points.push_back({value, i, length, true});
      i += length;
    } else {
      points.push_back({kReplacementCharacter, i, 1, false});
      i += 1;
    }
  }
  return points;
}

double estimate_text_width(std::string_view text, double font_size) {
  double em = 0.0;
  for (const CodePoint& point : decode_utf8(text)) em += em_width(point.value);
  return em * font_size;
}

std::string fit_text(std::string_view text, double font_size, double max_width) {
  if (estimate_text_width(text, font_size) <= max_width) return std::string(text);
  const double budget = max_width - estimate_text_width(kEllipsis, font_size);
  double width = 0.0;
  std::size_t end = 0;
  for (const CodePoint& point : decode_utf8(text)) {
    width += em_width(point.value) * font_size;
    if (width > budget) break;
    end = point.offset + point.length;
  }
  std::string fitted(text.substr(0, end));
  // A cut after a space would leave "word …", so trailing spaces are dropped.
  while (!fitted.empty() && fitted.back() == ' ') fitted.pop_back();
  return fitted + std::string(kEllipsis);
}

}  // namespace maas::report
