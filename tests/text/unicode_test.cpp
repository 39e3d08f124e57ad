#include "core/text/unicode.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"

namespace maas::text {
namespace {

// Lowercases a whole string with python_lower, as the tokenizer does.
std::string lower_all(std::string_view text) {
  std::string out;
  std::size_t offset = 0;
  while (offset < text.size()) {
    const DecodedChar decoded = decode_utf8(text, offset);
    std::array<char32_t, 2> lowered{};
    const int count = python_lower(text, offset, decoded.code_point, lowered);
    for (int i = 0; i < count; ++i) {
      append_utf8(out, lowered[i]);
    }
    offset += decoded.length;
  }
  return out;
}

TEST(DecodeUtf8, DecodesOneToFourByteSequences) {
  struct Case {
    std::string text;
    char32_t code_point;
    std::size_t length;
  };
  const std::vector<Case> cases = {
      {"a", U'a', 1},
      {"\xC3\xA9", 0xE9, 2},               // é
      {"\xE6\x88\x91", 0x6211, 3},         // 我
      {"\xF0\x9F\x98\x80", 0x1F600, 4},    // emoji
      {"\xF4\x8F\xBF\xBF", 0x10FFFF, 4},   // last code point
  };
  for (const Case& c : cases) {
    const DecodedChar decoded = decode_utf8(c.text, 0);
    EXPECT_EQ(decoded.code_point, c.code_point) << c.text;
    EXPECT_EQ(decoded.length, c.length) << c.text;
  }
}

TEST(ValidateUtf8, RejectsMalformedSequencesWithByteOffset) {
  struct Case {
    std::string text;
    std::string offset_text;
  };
  const std::vector<Case> cases = {
      {"ab\xFF" "cd", "byte offset 2"},           // never valid in UTF-8
      {"\x80", "byte offset 0"},                   // stray continuation byte
      {"abc\xC3", "byte offset 3"},                // truncated two-byte sequence
      {"\xC3\xA9\xE6\x88", "byte offset 2"},       // truncated after a valid é
      {"x\xC0\xAF", "byte offset 1"},              // overlong encoding of '/'
      {"\xE0\x80\xAF", "byte offset 0"},           // overlong three-byte form
      {"\xED\xA0\x80", "byte offset 0"},           // UTF-16 surrogate U+D800
      {"ok \xF4\x90\x80\x80", "byte offset 3"},    // above U+10FFFF
  };
  for (const Case& c : cases) {
    try {
      validate_utf8(c.text);
      ADD_FAILURE() << "accepted invalid UTF-8 expected at " << c.offset_text;
    } catch (const InvalidArgument& error) {
      EXPECT_NE(std::string(error.what()).find(c.offset_text), std::string::npos)
          << error.what();
    }
  }
}

TEST(ValidateUtf8, AcceptsValidText) {
  EXPECT_NO_THROW(validate_utf8(""));
  EXPECT_NO_THROW(validate_utf8("plain ascii"));
  EXPECT_NO_THROW(validate_utf8("école 我爱游戏 \xF0\x9F\x98\x80"));
  EXPECT_NO_THROW(validate_utf8(std::string("nul\0inside", 10)));
}

// Expected values are Python 3's str.lower of the same input.
TEST(PythonLower, MatchesPythonStrLower) {
  struct Case {
    std::string text;
    std::string lowered;
  };
  const std::vector<Case> cases = {
      {"ÉCOLE", "école"},
      {"Straße", "straße"},                 // ß has no single-character lowercase change
      {"ÀÖØÞ", "àöøþ"},
      {"ПРИВЕТ", "привет"},
      {"\xE2\x84\xAA", "k"},               // KELVIN SIGN lowercases to ASCII k
      {"İ", "i\xCC\x87"},                  // U+0130 becomes i + U+0307
      {"ΟΔΟΣ", "οδος"},                     // final sigma at the end of a word
      {"ΟΔΟΣ.", "οδος."},                   // '.' is case-ignorable, still final
      {"ΟΔΟΣ ΑΒ", "οδος αβ"},               // space ends the word
      {"ΣΑ", "σα"},                         // nothing cased before: not final
      {"Σ", "σ"},
      {"ΑΣ'Β", "ασ'β"},                     // a cased letter follows after the apostrophe
      {"ΑΣ'", "ας'"},
      {"我爱游戏", "我爱游戏"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(lower_all(c.text), c.lowered) << c.text;
  }
}

TEST(IsCjkChar, CoversIdeographsKanaAndHangul) {
  const std::vector<char32_t> cjk = {0x6211, 0x3400, 0x9FFF, 0xF900, 0x20000, 0x3042 /* あ */,
                                     0x30B2 /* ゲ */, 0x30FC /* ー */, 0xFF79 /* ｹ */,
                                     0xAC8C /* 게 */};
  for (const char32_t code_point : cjk) {
    EXPECT_TRUE(is_cjk_char(code_point)) << std::hex << static_cast<uint32_t>(code_point);
  }
  const std::vector<char32_t> other = {U'a', 0xE9, 0x3002 /* 。 */, 0xFF0C /* ， */,
                                       0x1100 /* Hangul jamo */, 0x1F600};
  for (const char32_t code_point : other) {
    EXPECT_FALSE(is_cjk_char(code_point)) << std::hex << static_cast<uint32_t>(code_point);
  }
}

TEST(CodePointSet, ContainsAsciiAndNonAsciiMembers) {
  const CodePointSet set("!a，。");
  EXPECT_TRUE(set.contains(U'!'));
  EXPECT_TRUE(set.contains(U'a'));
  EXPECT_TRUE(set.contains(0xFF0C));
  EXPECT_TRUE(set.contains(0x3002));
  EXPECT_FALSE(set.contains(U'b'));
  EXPECT_FALSE(set.contains(0x6211));
  EXPECT_FALSE(CodePointSet().contains(U'a'));
}

TEST(CodePointSet, RejectsInvalidUtf8) {
  EXPECT_THROW(CodePointSet("ab\xFF"), InvalidArgument);
}

}  // namespace
}  // namespace maas::text
