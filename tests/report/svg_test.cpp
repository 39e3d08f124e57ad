#include "core/report/svg.h"

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "tests/report/xml_checker.h"

namespace maas::report {
namespace {

TEST(EscapeXml, ReplacesMarkupAndBadBytes) {
  struct Case {
    std::string input;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"plain", "plain"},
      {"a<b", "a&lt;b"},
      {"fish & chips", "fish &amp; chips"},
      {"\"quoted\" 'single' >", "&quot;quoted&quot; &apos;single&apos; &gt;"},
      {"&amp;", "&amp;amp;"},                       // already-escaped text is escaped again, not trusted
      {"tab\tline\nend", "tab\tline\nend"},         // the three control characters XML allows
      {"bell\x07null", "bellnull"},                 // other control characters are dropped
      {"bad\xFFutf8", "bad\xEF\xBF\xBDutf8"},       // invalid byte becomes U+FFFD
      {"cut\xE4\xB8", "cut\xEF\xBF\xBD\xEF\xBF\xBD"},  // truncated sequence: one U+FFFD per byte
      {"\xE6\x83\x85\xE6\x84\x9F", "\xE6\x83\x85\xE6\x84\x9F"},  // CJK passes through
  };
  for (const Case& c : cases) EXPECT_EQ(escape_xml(c.input), c.expected) << c.input;
}

TEST(SvgNumber, TrimsTrailingZeros) {
  EXPECT_EQ(svg_number(12.0), "12");
  EXPECT_EQ(svg_number(12.5), "12.5");
  EXPECT_EQ(svg_number(0.126), "0.13");
  EXPECT_EQ(svg_number(-0.001), "0");
  EXPECT_EQ(svg_number(-3.25), "-3.25");
}

TEST(SvgNumber, RejectsNonFinite) {
  EXPECT_THROW(svg_number(std::numeric_limits<double>::quiet_NaN()), InvalidArgument);
  EXPECT_THROW(svg_number(std::numeric_limits<double>::infinity()), InvalidArgument);
}

TEST(SvgWriter, EscapesHostileTextInEveryPlace) {
  const std::string hostile = "</text><script>alert('x')</script> & \"";
  SvgWriter svg(100, 50, hostile);
  svg.text(1, 2, hostile, {{"fill", hostile}}, hostile);
  svg.rect(0, 0, 10, 10, "red", {{"data-label", hostile}});
  const std::string document = svg.finish();
  EXPECT_EQ(document.find("<script>"), std::string::npos);

  const auto parsed = testing::parse_xml(document);
  ASSERT_TRUE(parsed.error.empty()) << parsed.error << "\n" << document;
  EXPECT_EQ(parsed.root->name, "svg");
  const auto texts = parsed.root->find_all("text");
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_EQ(texts[0]->text, hostile);
  EXPECT_EQ(texts[0]->attributes.at("fill"), hostile);
  EXPECT_EQ(texts[0]->find_all("title").at(0)->text, hostile);
}

TEST(SvgWriter, FinishClosesOpenElements) {
  SvgWriter svg(10, 10, "t");
  svg.open("g");
  svg.open("g");
  const auto parsed = testing::parse_xml(svg.finish());
  ASSERT_TRUE(parsed.error.empty()) << parsed.error;
  EXPECT_EQ(parsed.root->find_all("g").size(), 2u);
}

TEST(SvgWriter, DeclaresSizeAndViewBox) {
  SvgWriter svg(640.5, 480, "t");
  const auto parsed = testing::parse_xml(svg.finish());
  ASSERT_TRUE(parsed.error.empty()) << parsed.error;
  EXPECT_EQ(parsed.root->attributes.at("width"), "640.5");
  EXPECT_EQ(parsed.root->attributes.at("height"), "480");
  EXPECT_EQ(parsed.root->attributes.at("viewBox"), "0 0 640.5 480");
  EXPECT_EQ(parsed.root->attributes.at("xmlns"), "http://www.w3.org/2000/svg");
}

TEST(SvgWriter, CloseWithoutOpenThrows) {
  SvgWriter svg(10, 10, "t");
  svg.close();  // closes <svg>
  EXPECT_THROW(svg.close(), InvalidArgument);
}

}  // namespace
}  // namespace maas::report
