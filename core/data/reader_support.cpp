#include "core/data/reader_support.h"

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

}  // namespace maas::data::detail
