#pragma once
// A strict reader for the subset of XML 1.0 that the SVG writer produces: an optional <?xml ...?>
// declaration, one root element, elements with double-quoted attributes, text, and the five named
// entities plus numeric character references. No DTD, comments, CDATA or processing instructions
// beyond the declaration. Tests use it to prove the charts are well-formed and to find text in them.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace maas::testing {

struct XmlElement {
  std::string name;
  std::map<std::string, std::string> attributes;  // values with entities decoded
  std::vector<std::unique_ptr<XmlElement>> children;
  std::string text;  // the element's own text nodes, concatenated and decoded

  // Every descendant (and this element itself) named `name`, in document order.
  std::vector<const XmlElement*> find_all(std::string_view name) const;
  // This element's own text followed by the text of its descendants, depth first.
  std::string all_text() const;
};

struct XmlParseResult {
  std::unique_ptr<XmlElement> root;  // null when parsing failed
  std::string error;                 // empty on success, else what is wrong and at which byte offset
};

XmlParseResult parse_xml(std::string_view document);

}  // namespace maas::testing
