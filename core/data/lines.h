#pragma once
// Line splitting shared by the line-based formats (TSV, JSONL, fastText, lines).

#include <cstddef>
#include <string_view>

#include "core/data/dataset.h"

namespace maas::data::detail {

// Returns whether `line` contains only spaces, tabs, CR, VT and FF (or nothing).
inline bool is_blank_line(std::string_view line) {
  return line.find_first_not_of(" \t\r\v\f") == std::string_view::npos;
}

// Calls visit(line, number) for each line of `content` with its 1-based number. The LF and one
// CR before it are removed. A final LF does not start another line, so "a\n" has one line.
template <typename Visitor>
void for_each_line(std::string_view content, Visitor&& visit) {
  std::size_t number = 1;
  std::size_t start = 0;
  while (start < content.size()) {
    std::size_t end = content.find('\n', start);
    const std::size_t next = end == std::string_view::npos ? content.size() : end + 1;
    if (end == std::string_view::npos) {
      end = content.size();
    }
    std::string_view line = content.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    visit(line, number);
    ++number;
    start = next;
  }
}

// Builds a Dataset from a format with one record per line: blank lines are counted and skipped,
// and every other line becomes the Example that read_line(line, number) returns.
template <typename LineReader>
Dataset read_line_records(std::string_view content, LineReader&& read_line) {
  Dataset dataset;
  for_each_line(content, [&](std::string_view line, std::size_t number) {
    if (is_blank_line(line)) {
      ++dataset.blank_lines;
      return;
    }
    dataset.examples.push_back(read_line(line, number));
  });
  return dataset;
}

}  // namespace maas::data::detail
