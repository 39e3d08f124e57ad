#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/data/dataset.h"
#include "tests/data/reader_test_support.h"

namespace maas::data {
namespace {

using testing::message_of;
using testing::unlabelled;

Dataset parse_tsv(std::string_view content, const ReadOptions& options = {}) {
  return parse_dataset(content, "mem.tsv", Format::kTsv, options);
}

TEST(TsvReader, SplitsAtTabsWithoutQuoting) {
  const Dataset dataset =
      parse_tsv("label\ttext\r\npos\t\"quoted\", as written\r\nneg\ta,b\r\n");
  EXPECT_EQ(dataset.blank_lines, 0u);
  ASSERT_EQ(dataset.examples.size(), 2u);
  EXPECT_EQ(dataset.examples[0].text, "\"quoted\", as written");
  EXPECT_EQ(dataset.examples[0].label, "pos");
  EXPECT_EQ(dataset.examples[0].line, 2u);
  EXPECT_EQ(dataset.examples[1].text, "a,b");
  EXPECT_EQ(dataset.examples[1].label, "neg");
  EXPECT_EQ(dataset.examples[1].line, 3u);
}

TEST(TsvReader, CountsAndSkipsBlankLines) {
  // Blank: line 2 (empty), 4 (a tab, so two empty fields), 5 (spaces), 7 (empty).
  const Dataset dataset = parse_tsv("\xEF\xBB\xBFtext\tlabel\n\na\tx\n\t\n  \nb\ty\n\n");
  EXPECT_EQ(dataset.blank_lines, 4u);
  ASSERT_EQ(dataset.examples.size(), 2u);
  EXPECT_EQ(dataset.examples[0].line, 3u);
  EXPECT_EQ(dataset.examples[1].line, 6u);
}

TEST(TsvReader, ReadsWithoutLabelColumnWhenNotRequired) {
  const Dataset dataset = parse_tsv("id\ttext\n1\thello\n", unlabelled());
  ASSERT_EQ(dataset.examples.size(), 1u);
  EXPECT_EQ(dataset.examples[0].text, "hello");
  EXPECT_EQ(dataset.examples[0].label, "");
}

TEST(TsvReader, RejectsMalformedFiles) {
  struct Case {
    std::string name;
    std::string content;
    std::vector<std::string> expected;
  };
  const std::vector<Case> cases = {
      {"tab inside text",
       "text\tlabel\na\tx\nb\tc\ty\n",
       {"mem.tsv:3:", "wrong number of fields", "has 3", "has 2", "tab inside a text"}},
      {"too few fields", "text\tlabel\nonly\n", {"mem.tsv:2:", "has 1"}},
      {"missing column",
       "text\tcategory\na\tx\n",
       {"mem.tsv:1:", "missing label column \"label\"", "\"text\", \"category\""}},
      {"comma header read as one column",
       "text,label\na,x\n",
       {"mem.tsv:1:", "missing text column \"text\"", "\"text,label\""}},
      {"empty label", "text\tlabel\na\t\n", {"mem.tsv:2:", "empty label"}},
      {"empty file", "", {"mem.tsv:", "no header row"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string message = message_of<IoError>([&] { parse_tsv(c.content); });
    for (const std::string& part : c.expected) {
      EXPECT_NE(message.find(part), std::string::npos) << "missing: " << part << "\nin: " << message;
    }
  }
}

}  // namespace
}  // namespace maas::data
