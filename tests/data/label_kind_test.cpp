// Multi-label and numeric labels in every format, and their errors.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/data/dataset.h"
#include "tests/data/reader_test_support.h"

namespace maas::data {
namespace {

using testing::message_of;
using Labels = std::vector<std::string>;

ReadOptions multi_label() {
  ReadOptions options;
  options.label_kind = LabelKind::kMulti;
  return options;
}

ReadOptions number_label() {
  ReadOptions options;
  options.label_kind = LabelKind::kNumber;
  return options;
}

TEST(MultiLabel, CsvSplitsAtSeparatorAndAllowsNone) {
  const Dataset dataset =
      parse_dataset("text,label\nfirst,sports|politics\nsecond,\nthird,tech|tech\n", "d.csv", Format::kAuto, multi_label());
  ASSERT_EQ(dataset.examples.size(), 3u);
  EXPECT_EQ(dataset.examples[0].labels, (Labels{"sports", "politics"}));
  EXPECT_TRUE(dataset.examples[1].labels.empty());
  // A repeated label counts once.
  EXPECT_EQ(dataset.examples[2].labels, (Labels{"tech"}));
}

TEST(MultiLabel, TsvUsesConfiguredSeparator) {
  ReadOptions options = multi_label();
  options.label_separator = ", ";
  const Dataset dataset = parse_dataset("text\tlabel\nhello\ta, b\n", "d.tsv", Format::kAuto, options);
  EXPECT_EQ(dataset.examples[0].labels, (Labels{"a", "b"}));
}

TEST(MultiLabel, JsonlTakesArrayOrSeparatedString) {
  const Dataset dataset = parse_dataset(
      "{\"text\": \"a\", \"label\": [\"x\", \"y\"]}\n{\"text\": \"b\", \"label\": []}\n"
      "{\"text\": \"c\", \"label\": \"x|z\"}\n{\"text\": \"d\", \"label\": null}\n",
      "d.jsonl", Format::kAuto, multi_label());
  ASSERT_EQ(dataset.examples.size(), 4u);
  EXPECT_EQ(dataset.examples[0].labels, (Labels{"x", "y"}));
  EXPECT_TRUE(dataset.examples[1].labels.empty());
  EXPECT_EQ(dataset.examples[2].labels, (Labels{"x", "z"}));
  EXPECT_TRUE(dataset.examples[3].labels.empty());
}

TEST(MultiLabel, FastTextReadsEveryLabelToken) {
  const Dataset dataset = parse_dataset(
      "__label__a __label__b some text\nno labels here\nmid __label__c dle\n", "d.txt", Format::kAuto, multi_label());
  ASSERT_EQ(dataset.examples.size(), 3u);
  EXPECT_EQ(dataset.examples[0].labels, (Labels{"a", "b"}));
  EXPECT_EQ(dataset.examples[0].text, "some text");
  EXPECT_TRUE(dataset.examples[1].labels.empty());
  EXPECT_EQ(dataset.examples[1].text, "no labels here");
  EXPECT_EQ(dataset.examples[2].labels, (Labels{"c"}));
  EXPECT_EQ(dataset.examples[2].text, "mid dle");
}

TEST(MultiLabel, SingleLabelFastTextStillRejectsSeveral) {
  const std::string message = message_of<Unsupported>(
      [] { parse_dataset("__label__a __label__b text\n", "d.txt", Format::kAuto, ReadOptions{}); });
  EXPECT_NE(message.find("d.txt:1:"), std::string::npos) << message;
  EXPECT_NE(message.find("multi_label"), std::string::npos) << message;
}

TEST(MultiLabel, EmptyPieceNamesFieldAndLine) {
  const std::string message = message_of<IoError>(
      [] { parse_dataset("text,label\nok,a\nbad,a||b\n", "d.csv", Format::kAuto, multi_label()); });
  EXPECT_NE(message.find("d.csv:3:"), std::string::npos) << message;
  EXPECT_NE(message.find("\"a||b\""), std::string::npos) << message;
  EXPECT_NE(message.find("label_separator"), std::string::npos) << message;
}

TEST(MultiLabel, JsonlArrayItemMustBeString) {
  const std::string message = message_of<IoError>(
      [] { parse_dataset("{\"text\": \"a\", \"label\": [\"x\", 3]}\n", "d.jsonl", Format::kAuto, multi_label()); });
  EXPECT_NE(message.find("d.jsonl:1:"), std::string::npos) << message;
  EXPECT_NE(message.find("item 1"), std::string::npos) << message;
  EXPECT_NE(message.find("a number"), std::string::npos) << message;
}

TEST(MultiLabel, EmptySeparatorIsInvalid) {
  ReadOptions options = multi_label();
  options.label_separator.clear();
  EXPECT_THROW(parse_dataset("text,label\na,b\n", "d.csv", Format::kAuto, options), InvalidArgument);
}

TEST(NumberLabel, ParsesEveryFormat) {
  const Dataset csv = parse_dataset("text,label\na,3.5\nb,-1e-3\nc,+2\n", "d.csv", Format::kAuto, number_label());
  ASSERT_EQ(csv.examples.size(), 3u);
  EXPECT_EQ(csv.examples[0].value, 3.5);
  EXPECT_EQ(csv.examples[1].value, -1e-3);
  EXPECT_EQ(csv.examples[2].value, 2.0);
  const Dataset jsonl = parse_dataset("{\"text\": \"a\", \"label\": 0.25}\n{\"text\": \"b\", \"label\": \"7\"}\n",
                                      "d.jsonl", Format::kAuto, number_label());
  EXPECT_EQ(jsonl.examples[0].value, 0.25);
  EXPECT_EQ(jsonl.examples[1].value, 7.0);
  const Dataset fasttext = parse_dataset("__label__4.5 some text\n", "d.txt", Format::kAuto, number_label());
  EXPECT_EQ(fasttext.examples[0].value, 4.5);
  EXPECT_EQ(fasttext.examples[0].text, "some text");
}

TEST(NumberLabel, NonNumberNamesFileLineAndValue) {
  for (const char* bad : {"high", "3.5x", "nan", "inf", "1e999", " "}) {
    const std::string content = std::string("text,label\nok,1\nbad,") + bad + "\n";
    const std::string message =
        message_of<IoError>([&] { parse_dataset(content, "scores.csv", Format::kAuto, number_label()); });
    EXPECT_NE(message.find("scores.csv:3:"), std::string::npos) << bad << ": " << message;
    EXPECT_NE(message.find(std::string("\"") + bad + "\""), std::string::npos) << bad << ": " << message;
    EXPECT_NE(message.find("not a finite number"), std::string::npos) << bad << ": " << message;
  }
}

TEST(NumberLabel, BeyondFloat32NamesFileLineAndValue) {
  for (const char* bad : {"1e39", "-1e300"}) {
    const std::string content = std::string("text,label\nok,1\nbad,") + bad + "\n";
    const std::string message =
        message_of<IoError>([&] { parse_dataset(content, "scores.csv", Format::kAuto, number_label()); });
    EXPECT_NE(message.find("scores.csv:3:"), std::string::npos) << bad << ": " << message;
    EXPECT_NE(message.find(std::string("\"") + bad + "\""), std::string::npos) << bad << ": " << message;
    EXPECT_NE(message.find("float32 range"), std::string::npos) << bad << ": " << message;
  }
  const Dataset largest = parse_dataset("text,label\na,3e38\n", "d.csv", Format::kAuto, number_label());
  EXPECT_EQ(largest.examples[0].value, 3e38);
}

TEST(NumberLabel, EmptyLabelIsRejected) {
  const std::string message =
      message_of<IoError>([] { parse_dataset("text,label\nbad,\n", "d.csv", Format::kAuto, number_label()); });
  EXPECT_NE(message.find("d.csv:2:"), std::string::npos) << message;
  EXPECT_NE(message.find("empty label"), std::string::npos) << message;
}

}  // namespace
}  // namespace maas::data
