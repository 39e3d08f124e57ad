#pragma once
// Queries on a parsed SVG chart that the chart tests share.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/report/xml_checker.h"

namespace maas::testing {

// Parses `svg`, failing the current test (and returning null) when it is not well-formed.
std::unique_ptr<XmlElement> parse_or_fail(const std::string& svg);

// The visible text of every <text> element, without tooltips.
std::vector<std::string> visible_texts(const XmlElement& root);

bool contains(const std::vector<std::string>& texts, const std::string& expected);

double attribute_number(const XmlElement& element, const std::string& name);

// The width of the first <rect> of every <g> that has a <title>, keyed by the title text: the
// bar lengths of a per-label chart.
std::map<std::string, double> bar_widths(const XmlElement& root);

}  // namespace maas::testing
