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

Dataset parse_csv(std::string_view content, const ReadOptions& options = {}) {
  return parse_dataset(content, "mem.csv", Format::kCsv, options);
}

TEST(CsvReader, ReadsTextLabelAndLine) {
  const Dataset dataset = parse_csv("text,label\nhello,greeting\nbye,farewell\n");
  EXPECT_EQ(dataset.source, "mem.csv");
  EXPECT_EQ(dataset.blank_lines, 0u);
  ASSERT_EQ(dataset.examples.size(), 2u);
  EXPECT_EQ(dataset.examples[0].text, "hello");
  EXPECT_EQ(dataset.examples[0].label, "greeting");
  EXPECT_EQ(dataset.examples[0].line, 2u);
  EXPECT_EQ(dataset.examples[1].text, "bye");
  EXPECT_EQ(dataset.examples[1].label, "farewell");
  EXPECT_EQ(dataset.examples[1].line, 3u);
}

TEST(CsvReader, DecodesQuotedFields) {
  struct Case {
    std::string record;
    std::string text;
  };
  const std::vector<Case> cases = {
      {"\"a, b\",x", "a, b"},
      {"\"say \"\"hi\"\"\",x", "say \"hi\""},
      {"\"\"\"\",x", "\""},
      {"\"\",x", ""},
      {"\"  padded  \",x", "  padded  "},
      {"5\" screen,x", "5\" screen"},  // A quote inside an unquoted field is literal.
      {"caf\xC3\xA9 \xF0\x9F\x98\x80,x", "caf\xC3\xA9 \xF0\x9F\x98\x80"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.record);
    const Dataset dataset = parse_csv("text,label\n" + c.record + "\n");
    ASSERT_EQ(dataset.examples.size(), 1u);
    EXPECT_EQ(dataset.examples[0].text, c.text);
    EXPECT_EQ(dataset.examples[0].label, "x");
  }
}

TEST(CsvReader, KeepsNewlinesInsideQuotes) {
  const Dataset dataset =
      parse_csv("text,label\n\"line one\nline two\",pos\nnext,neg\n\"a\r\nb\",pos\n");
  ASSERT_EQ(dataset.examples.size(), 3u);
  EXPECT_EQ(dataset.examples[0].text, "line one\nline two");
  EXPECT_EQ(dataset.examples[0].line, 2u);
  EXPECT_EQ(dataset.examples[1].text, "next");
  EXPECT_EQ(dataset.examples[1].line, 4u);
  EXPECT_EQ(dataset.examples[2].text, "a\r\nb");
  EXPECT_EQ(dataset.examples[2].line, 5u);
}

TEST(CsvReader, AcceptsCrlfLineEnds) {
  const Dataset dataset = parse_csv("text,label\r\na,x\r\n\"b,c\",y\r\n");
  ASSERT_EQ(dataset.examples.size(), 2u);
  EXPECT_EQ(dataset.examples[0].text, "a");
  EXPECT_EQ(dataset.examples[0].label, "x");
  EXPECT_EQ(dataset.examples[1].text, "b,c");
  EXPECT_EQ(dataset.examples[1].label, "y");
  EXPECT_EQ(dataset.examples[1].line, 3u);
}

TEST(CsvReader, AcceptsMissingFinalLineEnd) {
  for (const std::string content : {"text,label\na,x", "text,label\na,x\r", "text,label\n\"a\",x"}) {
    SCOPED_TRACE(content);
    const Dataset dataset = parse_csv(content);
    ASSERT_EQ(dataset.examples.size(), 1u);
    EXPECT_EQ(dataset.examples[0].text, "a");
    EXPECT_EQ(dataset.examples[0].label, "x");
  }
}

TEST(CsvReader, SkipsByteOrderMark) {
  const Dataset dataset = parse_csv("\xEF\xBB\xBFtext,label\nhi,x\n");
  ASSERT_EQ(dataset.examples.size(), 1u);
  EXPECT_EQ(dataset.examples[0].text, "hi");
  EXPECT_EQ(dataset.examples[0].line, 2u);
}

TEST(CsvReader, CountsAndSkipsBlankLines) {
  // Blank: line 1 (empty), 3 (empty), 5 (spaces), 6 (",", all fields empty), 8 (CRLF only).
  const Dataset dataset = parse_csv("\ntext,label\n\na,x\n   \n,\nb,y\n\r\n");
  EXPECT_EQ(dataset.blank_lines, 5u);
  ASSERT_EQ(dataset.examples.size(), 2u);
  EXPECT_EQ(dataset.examples[0].line, 4u);
  EXPECT_EQ(dataset.examples[1].line, 7u);
}

TEST(CsvReader, ReadsConfiguredColumnsInAnyOrder) {
  ReadOptions options;
  options.text_column = "body";
  options.label_column = "category";
  const Dataset dataset = parse_csv("id,category,body\n7,sport,goal!\n", options);
  ASSERT_EQ(dataset.examples.size(), 1u);
  EXPECT_EQ(dataset.examples[0].text, "goal!");
  EXPECT_EQ(dataset.examples[0].label, "sport");
}

TEST(CsvReader, ReadsWithoutLabelColumnWhenNotRequired) {
  const Dataset dataset = parse_csv("text\nhello\nworld\n", unlabelled());
  ASSERT_EQ(dataset.examples.size(), 2u);
  EXPECT_EQ(dataset.examples[0].text, "hello");
  EXPECT_EQ(dataset.examples[0].label, "");
  EXPECT_EQ(dataset.examples[1].text, "world");
}

TEST(CsvReader, KeepsOptionalLabelsWhenPresent) {
  const Dataset dataset = parse_csv("text,label\nhello,x\nworld,\n", unlabelled());
  ASSERT_EQ(dataset.examples.size(), 2u);
  EXPECT_EQ(dataset.examples[0].label, "x");
  EXPECT_EQ(dataset.examples[1].label, "");
}

TEST(CsvReader, RejectsMalformedFiles) {
  struct Case {
    std::string name;
    std::string content;
    std::vector<std::string> expected;
  };
  const std::vector<Case> cases = {
      {"unterminated quote",
       "text,label\na,x\n\"never closed,x\nb,y\n",
       {"mem.csv:3:", "unterminated quoted field", "on line 3"}},
      {"unterminated quote after a multi-line field",
       "text,label\n\"two\nlines\",x\nok,\"open\n",
       {"mem.csv:4:", "unterminated quoted field", "on line 4"}},
      {"text after closing quote",
       "text,label\n\"a\"b,x\n",
       {"mem.csv:2:", "unexpected character 'b' after the closing quote", "starts on line 2"}},
      {"too many fields",
       "text,label\na,x\nb,y,z\n",
       {"mem.csv:3:", "wrong number of fields", "has 3", "has 2", "\"text\", \"label\""}},
      {"too few fields",
       "text,label\nonly\n",
       {"mem.csv:2:", "wrong number of fields", "has 1"}},
      {"missing label column",
       "text,category\na,x\n",
       {"mem.csv:1:", "missing label column \"label\"", "\"text\", \"category\""}},
      {"missing text column",
       "body,label\na,x\n",
       {"mem.csv:1:", "missing text column \"text\"", "\"body\", \"label\""}},
      {"duplicate column",
       "text,label,text\na,x,b\n",
       {"mem.csv:1:", "column \"text\" appears twice", "columns 1 and 3"}},
      {"empty label",
       "text,label\na,x\nb,\n",
       {"mem.csv:3:", "empty label in column \"label\""}},
      {"bare carriage return",
       "text,label\na\rb,x\n",
       {"mem.csv:2:", "carriage return (CR) without a following line feed"}},
      {"empty file", "", {"mem.csv:", "no header row"}},
      {"only blank lines", "\n \n", {"mem.csv:", "no header row"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string message = message_of<IoError>([&] { parse_csv(c.content); });
    for (const std::string& part : c.expected) {
      EXPECT_NE(message.find(part), std::string::npos) << "missing: " << part << "\nin: " << message;
    }
  }
}

TEST(CsvReader, RejectsMissingTextColumnWithoutLabels) {
  const std::string message =
      message_of<IoError>([&] { parse_csv("label\nx\n", unlabelled()); });
  EXPECT_NE(message.find("missing text column \"text\""), std::string::npos) << message;
}

}  // namespace
}  // namespace maas::data
