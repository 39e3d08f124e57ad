#pragma once
// The text rules of TokenizerOptions compiled for fast repeated use: lowercasing, filters,
// split_cjk and splitting. Keras applies them in its text_to_word_sequence function.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/text/tokenizer_options.h"
#include "core/text/unicode.h"

namespace maas::text {

// Immutable after construction, so one instance may be used from many threads.
class WordSplitter {
 public:
  // `options` must have passed validate_tokenizer_options.
  explicit WordSplitter(const TokenizerOptions& options);

  // Returns `text` lowercased (when `lower` is set) with every filtered code point replaced by
  // the separator and, with split_cjk, a separator on both sides of every CJK character. With
  // char_level only the lowercasing applies. Throws InvalidArgument naming the byte offset of
  // invalid UTF-8.
  std::string normalize(std::string_view text) const;

  // Calls on_token(std::string_view) for every token of `text` in order, without allocating
  // per token. Words are the non-empty pieces between separators; with char_level every code
  // point is a token. The views are valid only during the call.
  template <typename OnToken>
  void for_each_token(std::string_view text, OnToken&& on_token) const {
    const std::string normalized = normalize(text);
    if (char_level_) {
      for (std::size_t offset = 0; offset < normalized.size();) {
        const std::size_t length = utf8_length(static_cast<unsigned char>(normalized[offset]));
        on_token(std::string_view(normalized).substr(offset, length));
        offset += length;
      }
      return;
    }
    split_words(normalized, on_token);
  }

 private:
  // Length of the sequence that starts with `lead`, which must start valid UTF-8.
  static std::size_t utf8_length(unsigned char lead) {
    if (lead < 0x80) {
      return 1;
    }
    if (lead < 0xE0) {
      return 2;
    }
    if (lead < 0xF0) {
      return 3;
    }
    return 4;
  }

  // Python's str.split(sep) followed by dropping empty pieces.
  template <typename OnToken>
  void split_words(std::string_view normalized, OnToken& on_token) const {
    std::size_t start = 0;
    while (start <= normalized.size()) {
      std::size_t end = split_.size() == 1 ? normalized.find(split_[0], start)
                                           : normalized.find(split_, start);
      const bool last = end == std::string_view::npos;
      if (last) {
        end = normalized.size();
      }
      if (end > start) {
        on_token(normalized.substr(start, end - start));
      }
      if (last) {
        return;
      }
      start = end + split_.size();
    }
  }

  void append_char(std::string& out, char32_t code_point) const;

  // Marks in ascii_output_ an ASCII character that a filter replaces.
  static constexpr int16_t kFiltered = -1;

  bool lower_;
  bool char_level_;
  bool split_cjk_;
  std::string split_;
  CodePointSet filters_;
  // Output byte of each ASCII input byte after lowercasing, or kFiltered.
  std::array<int16_t, 128> ascii_output_{};
};

}  // namespace maas::text
