#include "core/data/reader_support.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include <fmt/format.h>

#include "core/common/error.h"

namespace maas::data::detail {

std::string quote_names(const std::vector<std::string>& names, std::size_t max_names) {
  std::string joined;
  const std::size_t shown = names.size() < max_names ? names.size() : max_names;
  for (std::size_t i = 0; i < shown; ++i) {
    if (i > 0) {
      joined += ", ";
    }
    joined += fmt::format("\"{}\"", names[i]);
  }
  if (names.size() > shown) {
    joined += fmt::format(" and {} more", names.size() - shown);
  }
  return joined;
}

std::string describe_byte(char byte) {
  const auto value = static_cast<unsigned char>(byte);
  if (value >= 0x20 && value < 0x7F) {
    return fmt::format("'{}'", byte);
  }
  return fmt::format("0x{:02X}", value);
}

void require_non_empty_label(std::string_view label, std::string_view source, std::size_t line,
                             std::string_view label_location) {
  if (!label.empty()) {
    return;
  }
  throw IoError(fmt::format(
      "{}:{}: empty label in {}. Every example needs a label for training and evaluation. Fill in "
      "the label or remove the record, or use `maas predict` for texts without labels.",
      source, line, label_location));
}

void add_label_once(std::vector<std::string>& labels, std::string_view label) {
  if (std::find(labels.begin(), labels.end(), label) == labels.end()) labels.emplace_back(label);
}

namespace {

void split_labels(Example& example, std::string_view source, std::string_view label_location,
                  const ReadOptions& options) {
  const std::string_view field = example.label;
  if (field.empty()) return;
  const std::string& separator = options.label_separator;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = std::min(field.find(separator, start), field.size());
    const std::string_view piece = field.substr(start, end - start);
    if (piece.empty()) {
      throw IoError(fmt::format(
          "{}:{}: empty label in \"{}\" in {}: a separator \"{}\" is at the start, at the end or next to "
          "another. Remove the extra separator, or set data.label_separator to the one the file uses.",
          source, example.line, field, label_location, separator));
    }
    add_label_once(example.labels, piece);
    if (end == field.size()) return;
    start = end + separator.size();
  }
}

void parse_number(Example& example, std::string_view source, std::string_view label_location,
                  const ReadOptions& options) {
  if (example.label.empty() && !options.require_label) return;
  require_non_empty_label(example.label, source, example.line, label_location);
  // strtod, unlike from_chars, accepts a leading '+' and leading spaces, as Python's float() does.
  const char* begin = example.label.c_str();
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(begin, &end);
  const bool whole = end != begin && *end == '\0';
  if (!whole || !std::isfinite(value) || errno == ERANGE) {
    throw IoError(fmt::format(
        "{}:{}: label \"{}\" in {} is not a finite number, but training.task regression needs a number such "
        "as 3.5 or -1e-3 in every example. Fix the value, or choose a numeric label column (--label-column, "
        "data.label_column), or train with training.task classification.",
        source, example.line, example.label, label_location));
  }
  // Targets train and serve as float32, where a larger magnitude becomes inf.
  if (std::abs(value) > static_cast<double>(std::numeric_limits<float>::max())) {
    throw IoError(fmt::format(
        "{}:{}: label \"{}\" in {} is outside the float32 range (magnitude up to about 3.4e38) that regression "
        "targets use. Rescale the targets, for example to their logarithm or to units of a larger size.",
        source, example.line, example.label, label_location));
  }
  example.value = value;
}

}  // namespace

void read_label_field(Example& example, std::string_view source, std::string_view label_location,
                      const ReadOptions& options) {
  switch (options.label_kind) {
    case LabelKind::kSingle:
      if (options.require_label) require_non_empty_label(example.label, source, example.line, label_location);
      return;
    case LabelKind::kMulti: split_labels(example, source, label_location, options); return;
    case LabelKind::kNumber: parse_number(example, source, label_location, options); return;
  }
}

}  // namespace maas::data::detail
