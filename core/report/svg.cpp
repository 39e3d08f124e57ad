#include "core/report/svg.h"

#include <cmath>

#include <fmt/format.h>

#include "core/common/error.h"
#include "core/report/text_layout.h"

namespace maas::report {

namespace {

// XML 1.0 allows tab, line feed and carriage return below U+0020, and excludes U+FFFE and U+FFFF.
bool allowed_in_xml(char32_t c) {
  if (c < 0x20) return c == 0x09 || c == 0x0A || c == 0x0D;
  return c != 0xFFFE && c != 0xFFFF;
}

}  // namespace

std::string escape_xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const CodePoint& point : decode_utf8(text)) {
    if (!point.valid) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      continue;
    }
    if (!allowed_in_xml(point.value)) continue;
    switch (point.value) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out.append(text.substr(point.offset, point.length));
    }
  }
  return out;
}

std::string svg_number(double value) {
  if (!std::isfinite(value)) {
    throw InvalidArgument(fmt::format("svg: coordinate {} is not a finite number; chart layout must produce finite values", value));
  }
  std::string text = fmt::format("{:.2f}", value);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  if (text == "-0") text = "0";
  return text;
}

SvgWriter::SvgWriter(double width, double height, std::string_view title) {
  out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  open("svg", {{"xmlns", "http://www.w3.org/2000/svg"},
               {"width", svg_number(width)},
               {"height", svg_number(height)},
               {"viewBox", fmt::format("0 0 {} {}", svg_number(width), svg_number(height))},
               {"font-family", "DejaVu Sans, Helvetica, Arial, sans-serif"},
               {"role", "img"}});
  text_element("title", {}, title);
  rect(0, 0, width, height, "#ffffff");
}

void SvgWriter::write_attributes(const SvgAttributes& attributes) {
  for (const auto& [name, value] : attributes) out_ += fmt::format(" {}=\"{}\"", name, escape_xml(value));
}

void SvgWriter::open(std::string_view name, const SvgAttributes& attributes) {
  out_ += fmt::format("{:{}}<{}", "", open_elements_.size() * 2, name);
  write_attributes(attributes);
  out_ += ">\n";
  open_elements_.emplace_back(name);
}

void SvgWriter::close() {
  if (open_elements_.empty()) {
    throw InvalidArgument("svg: close() called with no open element; every close() needs an earlier open()");
  }
  const std::string name = std::move(open_elements_.back());
  open_elements_.pop_back();
  out_ += fmt::format("{:{}}</{}>\n", "", open_elements_.size() * 2, name);
}

void SvgWriter::empty(std::string_view name, const SvgAttributes& attributes) {
  out_ += fmt::format("{:{}}<{}", "", open_elements_.size() * 2, name);
  write_attributes(attributes);
  out_ += "/>\n";
}

void SvgWriter::text_element(std::string_view name, const SvgAttributes& attributes, std::string_view content) {
  out_ += fmt::format("{:{}}<{}", "", open_elements_.size() * 2, name);
  write_attributes(attributes);
  out_ += fmt::format(">{}</{}>\n", escape_xml(content), name);
}

void SvgWriter::rect(double x, double y, double width, double height, std::string_view fill,
                     const SvgAttributes& extra) {
  SvgAttributes attributes = {{"x", svg_number(x)},
                              {"y", svg_number(y)},
                              {"width", svg_number(width)},
                              {"height", svg_number(height)},
                              {"fill", std::string(fill)}};
  attributes.insert(attributes.end(), extra.begin(), extra.end());
  empty("rect", attributes);
}

void SvgWriter::line(double x1, double y1, double x2, double y2, std::string_view stroke, double stroke_width,
                     const SvgAttributes& extra) {
  SvgAttributes attributes = {{"x1", svg_number(x1)},
                              {"y1", svg_number(y1)},
                              {"x2", svg_number(x2)},
                              {"y2", svg_number(y2)},
                              {"stroke", std::string(stroke)},
                              {"stroke-width", svg_number(stroke_width)}};
  attributes.insert(attributes.end(), extra.begin(), extra.end());
  empty("line", attributes);
}

void SvgWriter::text(double x, double y, std::string_view content, const SvgAttributes& style,
                     std::string_view tooltip) {
  SvgAttributes attributes = {{"x", svg_number(x)}, {"y", svg_number(y)}};
  attributes.insert(attributes.end(), style.begin(), style.end());
  if (tooltip.empty()) {
    text_element("text", attributes, content);
    return;
  }
  // The <title> child goes first so the text node stays the element's visible content.
  out_ += fmt::format("{:{}}<text", "", open_elements_.size() * 2);
  write_attributes(attributes);
  out_ += fmt::format("><title>{}</title>{}</text>\n", escape_xml(tooltip), escape_xml(content));
}

std::string SvgWriter::finish() {
  while (!open_elements_.empty()) close();
  return out_;
}

}  // namespace maas::report
