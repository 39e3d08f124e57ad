#pragma once
// UTF-8 decoding and the per-character rules the word tokenizer needs: Python's str.lower,
// CJK detection and filter sets. All functions are pure and safe to call from any thread.

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace maas::text {

// One decoded code point and the number of bytes it took.
struct DecodedChar {
  char32_t code_point = 0;
  std::size_t length = 0;
};

// Decodes the UTF-8 sequence that starts at byte `offset` of `text`.
// Throws InvalidArgument naming the byte offset when the sequence is malformed, truncated,
// overlong or encodes a surrogate (the bytes Python's strict UTF-8 decoder rejects).
DecodedChar decode_utf8(std::string_view text, std::size_t offset);

// Throws InvalidArgument naming the byte offset of the first invalid UTF-8 sequence in `text`.
void validate_utf8(std::string_view text);

// Appends the UTF-8 encoding of a valid code point.
void append_utf8(std::string& out, char32_t code_point);

// Writes into `out` the lowercase form of `code_point`, decoded at byte `offset` of `text`,
// as Python 3's str.lower computes it. Returns how many code points were written:
// 2 for U+0130, whose full lowercase mapping is "i" + U+0307, otherwise 1.
// Capital sigma becomes final sigma (U+03C2) in the Final_Sigma context, so the surrounding
// text is needed.
int python_lower(std::string_view text, std::size_t offset, char32_t code_point,
                 std::array<char32_t, 2>& out);

// Returns whether the code point is a CJK ideograph (unified, extensions and compatibility),
// Hiragana, Katakana (including the halfwidth forms) or a precomposed Hangul syllable.
bool is_cjk_char(char32_t code_point);

// A set of code points with a bitmap for ASCII, so the common ASCII lookup costs one load.
class CodePointSet {
 public:
  CodePointSet() = default;
  // Builds the set of every code point in `chars`. Throws InvalidArgument on invalid UTF-8.
  explicit CodePointSet(std::string_view chars);

  bool contains(char32_t code_point) const;

 private:
  std::array<bool, 128> ascii_{};
  std::vector<char32_t> others_;  // sorted, unique
};

}  // namespace maas::text
