#pragma once
// A small SVG 1.1 writer. Callers append elements, and every attribute value and text node passes
// through escape_xml, so label names read from a dataset cannot break the document.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace maas::report {

// Escapes UTF-8 text for an XML text node or attribute value: & < > " ' become entities, control
// characters that XML 1.0 forbids are dropped, and bytes that are not valid UTF-8 become U+FFFD.
std::string escape_xml(std::string_view text);

// Attribute name and unescaped value, written in the given order.
using SvgAttributes = std::vector<std::pair<std::string, std::string>>;

// Formats a coordinate or length in user units with at most two decimals ("12.5", not "12.500000").
std::string svg_number(double value);

class SvgWriter {
 public:
  // Starts a document of `width` x `height` user units (pixels) with a white background and
  // `title` as its accessible name.
  SvgWriter(double width, double height, std::string_view title);

  // Opens an element that later elements nest in, until the matching close().
  void open(std::string_view name, const SvgAttributes& attributes = {});
  // Closes the innermost open element. Throws InvalidArgument when none is open.
  void close();
  // Writes an element without children.
  void empty(std::string_view name, const SvgAttributes& attributes);
  // Writes an element whose only child is the text `content`.
  void text_element(std::string_view name, const SvgAttributes& attributes, std::string_view content);

  void rect(double x, double y, double width, double height, std::string_view fill,
            const SvgAttributes& extra = {});
  void line(double x1, double y1, double x2, double y2, std::string_view stroke, double stroke_width = 1.0,
            const SvgAttributes& extra = {});
  // `tooltip`, when not empty, becomes a <title> child that viewers show on hover.
  void text(double x, double y, std::string_view content, const SvgAttributes& style,
            std::string_view tooltip = {});

  // Closes every open element and returns the document.
  std::string finish();

 private:
  void write_attributes(const SvgAttributes& attributes);

  std::string out_;
  std::vector<std::string> open_elements_;
};

}  // namespace maas::report
