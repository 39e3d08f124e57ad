#include "core/text/word_splitter.h"

namespace maas::text {

WordSplitter::WordSplitter(const TokenizerOptions& options)
    : lower_(options.lower),
      char_level_(options.char_level),
      split_cjk_(options.split_cjk && !options.char_level),
      split_(options.split),
      filters_(options.char_level ? std::string_view() : std::string_view(options.filters)) {
  for (std::size_t byte = 0; byte < ascii_output_.size(); ++byte) {
    auto output = static_cast<char32_t>(byte);
    if (lower_ && output >= U'A' && output <= U'Z') {
      output += U'a' - U'A';
    }
    ascii_output_[byte] = filters_.contains(output) ? kFiltered : static_cast<int16_t>(output);
  }
}

void WordSplitter::append_char(std::string& out, char32_t code_point) const {
  if (filters_.contains(code_point)) {
    out += split_;
    return;
  }
  if (split_cjk_ && is_cjk_char(code_point)) {
    out += split_;
    append_utf8(out, code_point);
    out += split_;
    return;
  }
  append_utf8(out, code_point);
}

std::string WordSplitter::normalize(std::string_view text) const {
  std::string out;
  out.reserve(text.size() + text.size() / 2 + 8);

  std::size_t offset = 0;
  while (offset < text.size()) {
    const auto byte = static_cast<unsigned char>(text[offset]);
    if (byte < 0x80) {
      const int16_t output = ascii_output_[byte];
      if (output == kFiltered) {
        out += split_;
      } else {
        out += static_cast<char>(output);
      }
      ++offset;
      continue;
    }

    const DecodedChar decoded = decode_utf8(text, offset);
    if (lower_) {
      std::array<char32_t, 2> lowered{};
      const int count = python_lower(text, offset, decoded.code_point, lowered);
      for (int i = 0; i < count; ++i) {
        append_char(out, lowered[i]);
      }
    } else {
      append_char(out, decoded.code_point);
    }
    offset += decoded.length;
  }
  return out;
}

}  // namespace maas::text
