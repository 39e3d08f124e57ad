#include "core/report/text_layout.h"

#include <gtest/gtest.h>

namespace maas::report {
namespace {

const std::string kEllipsis = "\xE2\x80\xA6";

TEST(DecodeUtf8, CodePointsAndInvalidBytes) {
  struct Case {
    std::string input;
    std::vector<char32_t> expected;
    std::size_t invalid;
  };
  const std::vector<Case> cases = {
      {"ab", {'a', 'b'}, 0},
      {"\xC3\xA9", {0xE9}, 0},                  // é
      {"\xE4\xB8\xAD", {0x4E2D}, 0},            // 中
      {"\xF0\x9F\x98\x80", {0x1F600}, 0},       // emoji
      {"\xC0\xAF", {0xFFFD, 0xFFFD}, 2},        // overlong '/'
      {"\xED\xA0\x80", {0xFFFD, 0xFFFD, 0xFFFD}, 3},  // UTF-16 surrogate
      {"a\xE4\xB8", {'a', 0xFFFD, 0xFFFD}, 2},  // truncated at the end
      {"\x80z", {0xFFFD, 'z'}, 1},              // stray continuation byte
  };
  for (const Case& c : cases) {
    const auto points = decode_utf8(c.input);
    std::vector<char32_t> values;
    std::size_t invalid = 0;
    for (const CodePoint& p : points) {
      values.push_back(p.value);
      if (!p.valid) ++invalid;
    }
    EXPECT_EQ(values, c.expected) << c.input;
    EXPECT_EQ(invalid, c.invalid) << c.input;
  }
}

TEST(EstimateTextWidth, GrowsWithLengthAndFontSize) {
  EXPECT_EQ(estimate_text_width("", 12), 0.0);
  EXPECT_LT(estimate_text_width("spam", 12), estimate_text_width("spam_and_eggs", 12));
  EXPECT_DOUBLE_EQ(estimate_text_width("spam", 24), 2 * estimate_text_width("spam", 12));
  // One CJK character is one em; Latin letters are narrower.
  EXPECT_DOUBLE_EQ(estimate_text_width("\xE4\xB8\xAD", 10), 10.0);
  EXPECT_LT(estimate_text_width("a", 10), 10.0);
}

TEST(FitText, KeepsTextThatFits) {
  EXPECT_EQ(fit_text("greeting", 12, 200), "greeting");
  EXPECT_EQ(fit_text("", 12, 0), "");
}

TEST(FitText, ShortensLongTextWithEllipsis) {
  const std::string label = "a_very_long_label_name_that_goes_on_and_on_for_ever";
  const std::string fitted = fit_text(label, 12, 100);
  ASSERT_GE(fitted.size(), kEllipsis.size());
  EXPECT_EQ(fitted.substr(fitted.size() - kEllipsis.size()), kEllipsis);
  EXPECT_EQ(label.rfind(fitted.substr(0, fitted.size() - kEllipsis.size()), 0), 0u);  // a prefix of the label
  EXPECT_LE(estimate_text_width(fitted, 12), 100.0);
}

TEST(FitText, CutsOnlyBetweenCodePoints) {
  const std::string label = "\xE4\xB8\xAD\xE6\x96\x87\xE6\xA0\x87\xE7\xAD\xBE\xE5\x90\x8D";  // 中文标签名
  const std::string fitted = fit_text(label, 10, 35);  // room for 2 characters and "…"
  EXPECT_EQ(fitted, "\xE4\xB8\xAD\xE6\x96\x87" + kEllipsis);
}

TEST(FitText, DropsSpacesBeforeEllipsis) {
  const std::string fitted = fit_text("abcdefg      hijklmnop", 10, 60)  /* the cut falls in the spaces */;
  EXPECT_EQ(fitted.find(" " + kEllipsis), std::string::npos) << fitted;
}

}  // namespace
}  // namespace maas::report
