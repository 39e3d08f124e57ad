// The checker must reject what a broken writer would produce, or the plot tests prove nothing.

#include "tests/report/xml_checker.h"

#include <gtest/gtest.h>

namespace maas::testing {
namespace {

TEST(XmlChecker, AcceptsWellFormedDocuments) {
  const std::vector<std::string> documents = {
      "<a/>",
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a x=\"1\">text<b/></a>\n",
      "<a y=\"&lt;&amp;&quot;\">&gt; &apos; &#65; &#x42;</a>",
  };
  for (const std::string& document : documents) {
    const XmlParseResult result = parse_xml(document);
    EXPECT_TRUE(result.error.empty()) << document << ": " << result.error;
  }
}

TEST(XmlChecker, RejectsMalformedDocuments) {
  const std::vector<std::string> documents = {
      "<a><b></a></b>",       // crossed tags
      "<a>",                  // unclosed
      "<a>x<y</a>",           // raw '<' in text
      "<a>fish & chips</a>",  // raw '&'
      "<a>&nbsp;</a>",        // entity XML does not define
      "<a b=\"1\" b=\"2\"/>", // duplicate attribute
      "<a b=\"x<y\"/>",       // raw '<' in an attribute
      "<a b=1/>",             // unquoted attribute
      "<a/><b/>",             // two roots
      "<a><!-- c --></a>",    // comment: the writer never emits one
  };
  for (const std::string& document : documents) {
    EXPECT_FALSE(parse_xml(document).error.empty()) << document;
  }
}

TEST(XmlChecker, DecodesTextAndAttributes) {
  const XmlParseResult result = parse_xml("<a k=\"x&amp;y\"><t><title>tip</title>a&lt;b</t></a>");
  ASSERT_TRUE(result.error.empty()) << result.error;
  EXPECT_EQ(result.root->attributes.at("k"), "x&y");
  const auto texts = result.root->find_all("t");
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_EQ(texts[0]->text, "a<b");
  EXPECT_EQ(texts[0]->all_text(), "a<btip");
}

}  // namespace
}  // namespace maas::testing
