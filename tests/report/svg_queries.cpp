#include "tests/report/svg_queries.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace maas::testing {

std::unique_ptr<XmlElement> parse_or_fail(const std::string& svg) {
  auto result = parse_xml(svg);
  EXPECT_TRUE(result.error.empty()) << result.error;
  return std::move(result.root);
}

std::vector<std::string> visible_texts(const XmlElement& root) {
  std::vector<std::string> texts;
  for (const XmlElement* text : root.find_all("text")) texts.push_back(text->text);
  return texts;
}

bool contains(const std::vector<std::string>& texts, const std::string& expected) {
  return std::find(texts.begin(), texts.end(), expected) != texts.end();
}

double attribute_number(const XmlElement& element, const std::string& name) {
  return std::stod(element.attributes.at(name));
}

std::map<std::string, double> bar_widths(const XmlElement& root) {
  std::map<std::string, double> width_of;
  for (const XmlElement* group : root.find_all("g")) {
    const auto titles = group->find_all("title");
    const auto rects = group->find_all("rect");
    if (titles.empty() || rects.empty()) continue;
    width_of[titles[0]->text] = attribute_number(*rects[0], "width");
  }
  return width_of;
}

}  // namespace maas::testing
