#include "core/text/unicode.h"

#include <algorithm>

#include <fmt/format.h>
#include <utf8proc.h>

#include "core/common/error.h"

namespace maas::text {
namespace {

constexpr char32_t kCapitalSigma = 0x03A3;
constexpr char32_t kSmallSigma = 0x03C3;
constexpr char32_t kFinalSigma = 0x03C2;
constexpr char32_t kCapitalIWithDotAbove = 0x0130;
constexpr char32_t kCombiningDotAbove = 0x0307;

bool is_continuation_byte(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// Unicode Case_Ignorable: general categories Mn, Me, Cf, Lm and Sk, plus the characters whose
// Word_Break property is MidLetter, MidNumLet or Single_Quote (listed from Unicode 15).
bool is_case_ignorable(char32_t code_point) {
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(code_point))) {
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_SK:
      return true;
    default:
      break;
  }
  switch (code_point) {
    case 0x0027: case 0x002E: case 0x003A: case 0x00B7: case 0x0387: case 0x055F:
    case 0x05F4: case 0x2018: case 0x2019: case 0x2024: case 0x2027: case 0xFE13:
    case 0xFE52: case 0xFE55: case 0xFF07: case 0xFF0E: case 0xFF1A:
      return true;
    default:
      return false;
  }
}

// Unicode Cased: categories Lu, Ll and Lt plus Other_Lowercase and Other_Uppercase. Only the
// Other_* characters that are not already Case_Ignorable (Lm, Mn) are listed, because the
// Final_Sigma scan skips case-ignorable characters before it tests whether one is cased.
bool is_cased(char32_t code_point) {
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(code_point))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
      return true;
    default:
      break;
  }
  return code_point == 0x00AA || code_point == 0x00BA ||
         (code_point >= 0x2160 && code_point <= 0x217F) ||   // Roman numerals
         (code_point >= 0x24B6 && code_point <= 0x24E9) ||   // circled Latin letters
         (code_point >= 0x1F130 && code_point <= 0x1F149) ||  // squared Latin capitals
         (code_point >= 0x1F150 && code_point <= 0x1F169) ||  // negative circled capitals
         (code_point >= 0x1F170 && code_point <= 0x1F189);    // negative squared capitals
}

// Returns the start offset of the code point that ends just before `offset`.
std::size_t previous_char_start(std::string_view text, std::size_t offset) {
  std::size_t start = offset - 1;
  while (start > 0 && is_continuation_byte(static_cast<unsigned char>(text[start]))) {
    --start;
  }
  return start;
}

// The Final_Sigma condition of Unicode SpecialCasing, as CPython's str.lower tests it:
// a cased letter before the sigma (skipping case-ignorable ones) and none after it.
bool is_final_sigma(std::string_view text, std::size_t offset, std::size_t length) {
  bool cased_before = false;
  std::size_t position = offset;
  while (position > 0) {
    position = previous_char_start(text, position);
    const char32_t previous = decode_utf8(text, position).code_point;
    if (!is_case_ignorable(previous)) {
      cased_before = is_cased(previous);
      break;
    }
  }
  if (!cased_before) {
    return false;
  }

  position = offset + length;
  while (position < text.size()) {
    const DecodedChar next = decode_utf8(text, position);
    if (!is_case_ignorable(next.code_point)) {
      return !is_cased(next.code_point);
    }
    position += next.length;
  }
  return true;
}

}  // namespace

DecodedChar decode_utf8(std::string_view text, std::size_t offset) {
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data()) + offset;
  utf8proc_int32_t code_point = -1;
  const utf8proc_ssize_t length =
      utf8proc_iterate(bytes, static_cast<utf8proc_ssize_t>(text.size() - offset), &code_point);
  if (length <= 0) {
    throw InvalidArgument(fmt::format(
        "invalid UTF-8 at byte offset {} (byte 0x{:02X}): expected a complete UTF-8 sequence, "
        "got a truncated, overlong or surrogate one or a stray continuation byte; "
        "re-encode the input as UTF-8",
        offset, static_cast<unsigned>(bytes[0])));
  }
  return {static_cast<char32_t>(code_point), static_cast<std::size_t>(length)};
}

void validate_utf8(std::string_view text) {
  std::size_t offset = 0;
  while (offset < text.size()) {
    if (static_cast<unsigned char>(text[offset]) < 0x80) {
      ++offset;
      continue;
    }
    offset += decode_utf8(text, offset).length;
  }
}

void append_utf8(std::string& out, char32_t code_point) {
  utf8proc_uint8_t buffer[4];
  const utf8proc_ssize_t length =
      utf8proc_encode_char(static_cast<utf8proc_int32_t>(code_point), buffer);
  out.append(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(length));
}

int python_lower(std::string_view text, std::size_t offset, char32_t code_point,
                 std::array<char32_t, 2>& out) {
  if (code_point < 0x80) {
    out[0] = (code_point >= 'A' && code_point <= 'Z') ? code_point + ('a' - 'A') : code_point;
    return 1;
  }
  // The only unconditional full lowercase mapping longer than one code point.
  if (code_point == kCapitalIWithDotAbove) {
    out[0] = U'i';
    out[1] = kCombiningDotAbove;
    return 2;
  }
  if (code_point == kCapitalSigma) {
    const std::size_t length = decode_utf8(text, offset).length;
    out[0] = is_final_sigma(text, offset, length) ? kFinalSigma : kSmallSigma;
    return 1;
  }
  out[0] = static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(code_point)));
  return 1;
}

bool is_cjk_char(char32_t code_point) {
  return (code_point >= 0x3040 && code_point <= 0x30FF) ||    // Hiragana, Katakana
         (code_point >= 0x31F0 && code_point <= 0x31FF) ||    // Katakana phonetic extensions
         (code_point >= 0x3400 && code_point <= 0x4DBF) ||    // CJK extension A
         (code_point >= 0x4E00 && code_point <= 0x9FFF) ||    // CJK unified ideographs
         (code_point >= 0xAC00 && code_point <= 0xD7A3) ||    // Hangul syllables
         (code_point >= 0xF900 && code_point <= 0xFAFF) ||    // CJK compatibility ideographs
         (code_point >= 0xFF66 && code_point <= 0xFF9F) ||    // halfwidth Katakana
         (code_point >= 0x1B000 && code_point <= 0x1B16F) ||  // Kana supplement and extensions
         (code_point >= 0x20000 && code_point <= 0x3FFFF);    // CJK extensions B and later
}

CodePointSet::CodePointSet(std::string_view chars) {
  std::size_t offset = 0;
  while (offset < chars.size()) {
    const DecodedChar decoded = decode_utf8(chars, offset);
    if (decoded.code_point < 0x80) {
      ascii_[decoded.code_point] = true;
    } else {
      others_.push_back(decoded.code_point);
    }
    offset += decoded.length;
  }
  std::sort(others_.begin(), others_.end());
  others_.erase(std::unique(others_.begin(), others_.end()), others_.end());
}

bool CodePointSet::contains(char32_t code_point) const {
  if (code_point < 0x80) {
    return ascii_[code_point];
  }
  return std::binary_search(others_.begin(), others_.end(), code_point);
}

}  // namespace maas::text
