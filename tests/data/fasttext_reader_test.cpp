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

Dataset parse_fasttext(std::string_view content, const ReadOptions& options = {}) {
  return parse_dataset(content, "mem.txt", Format::kFastText, options);
}

ReadOptions with_prefix(std::string prefix) {
  ReadOptions options;
  options.label_prefix = std::move(prefix);
  return options;
}

TEST(FastTextReader, SplitsLabelFromText) {
  struct Case {
    std::string line;
    ReadOptions options;
    std::string text;
    std::string label;
  };
  const std::vector<Case> cases = {
      {"__label__pos great movie", {}, "great movie", "pos"},
      {"great movie __label__pos", {}, "great movie", "pos"},
      {"great __label__pos movie", {}, "great movie", "pos"},
      {"  __label__pos\tgreat\t movie \r", {}, "great\t movie", "pos"},
      {"__label__pos", {}, "", "pos"},
      {"my__label__x __label__y", {}, "my__label__x", "y"},
      {"__label__caf\xC3\xA9 ok", {}, "ok", "caf\xC3\xA9"},
      {"#spam buy now", with_prefix("#"), "buy now", "spam"},
      {"label:ham __label__x", with_prefix("label:"), "__label__x", "ham"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.line);
    const Dataset dataset = parse_fasttext(c.line + "\n", c.options);
    ASSERT_EQ(dataset.examples.size(), 1u);
    EXPECT_EQ(dataset.examples[0].text, c.text);
    EXPECT_EQ(dataset.examples[0].label, c.label);
    EXPECT_EQ(dataset.examples[0].line, 1u);
  }
}

TEST(FastTextReader, CountsBlankLines) {
  const Dataset dataset = parse_fasttext("\n__label__a x\n \t\n__label__b y\r\n\r\n");
  EXPECT_EQ(dataset.blank_lines, 3u);
  ASSERT_EQ(dataset.examples.size(), 2u);
  EXPECT_EQ(dataset.examples[0].line, 2u);
  EXPECT_EQ(dataset.examples[1].line, 4u);
  EXPECT_EQ(dataset.examples[1].label, "b");
}

TEST(FastTextReader, RejectsSeveralLabelsAsUnsupported) {
  const std::string message = message_of<Unsupported>(
      [&] { parse_fasttext("__label__a x\n__label__a __label__b text\n"); });
  EXPECT_NE(message.find("mem.txt:2:"), std::string::npos) << message;
  EXPECT_NE(message.find("multi-label"), std::string::npos) << message;
  EXPECT_NE(message.find("\"__label__a\" and \"__label__b\""), std::string::npos) << message;
}

TEST(FastTextReader, RejectsLineWithoutLabel) {
  const std::string message =
      message_of<IoError>([&] { parse_fasttext("#pos fine\n", with_prefix("__label__")); });
  EXPECT_NE(message.find("mem.txt:1:"), std::string::npos) << message;
  EXPECT_NE(message.find("no label"), std::string::npos) << message;
  EXPECT_NE(message.find("\"__label__\""), std::string::npos) << message;
}

TEST(FastTextReader, RejectsEmptyLabel) {
  const std::string message = message_of<IoError>([&] { parse_fasttext("__label__ text\n"); });
  EXPECT_NE(message.find("mem.txt:1:"), std::string::npos) << message;
  EXPECT_NE(message.find("empty label"), std::string::npos) << message;
}

TEST(FastTextReader, RejectsEmptyPrefix) {
  const std::string message =
      message_of<InvalidArgument>([&] { parse_fasttext("a b\n", with_prefix("")); });
  EXPECT_NE(message.find("label prefix is empty"), std::string::npos) << message;
}

TEST(FastTextReader, ReadsUnlabelledLinesWhenNotRequired) {
  const Dataset dataset = parse_fasttext(" just text \n__label__x more\n", unlabelled());
  ASSERT_EQ(dataset.examples.size(), 2u);
  EXPECT_EQ(dataset.examples[0].text, "just text");
  EXPECT_EQ(dataset.examples[0].label, "");
  EXPECT_EQ(dataset.examples[1].text, "more");
  EXPECT_EQ(dataset.examples[1].label, "x");
}

TEST(LinesReader, ReadsOneTextPerLine) {
  const Dataset dataset = parse_dataset("first line\r\n\n  indented, \"as is\"\n__label__x too\n",
                                        "mem.txt", Format::kLines, unlabelled());
  EXPECT_EQ(dataset.blank_lines, 1u);
  ASSERT_EQ(dataset.examples.size(), 3u);
  EXPECT_EQ(dataset.examples[0].text, "first line");
  EXPECT_EQ(dataset.examples[1].text, "  indented, \"as is\"");
  EXPECT_EQ(dataset.examples[1].line, 3u);
  EXPECT_EQ(dataset.examples[2].text, "__label__x too");
  EXPECT_EQ(dataset.examples[2].label, "");
}

TEST(LinesReader, RejectsRequiredLabels) {
  const std::string message = message_of<InvalidArgument>(
      [&] { parse_dataset("text\n", "mem.txt", Format::kLines, ReadOptions{}); });
  EXPECT_NE(message.find("lines format has no labels"), std::string::npos) << message;
  EXPECT_NE(message.find("maas predict"), std::string::npos) << message;
}

}  // namespace
}  // namespace maas::data
