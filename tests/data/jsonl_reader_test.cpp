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

Dataset parse_jsonl(std::string_view content, const ReadOptions& options = {}) {
  return parse_dataset(content, "mem.jsonl", Format::kJsonl, options);
}

TEST(JsonlReader, KeepsLabelTextAsWritten) {
  struct Case {
    std::string label_json;
    std::string label;
  };
  const std::vector<Case> cases = {
      {"\"pos\"", "pos"},
      {"\"caf\\u00e9\"", "caf\xC3\xA9"},
      {"1", "1"},
      {"-3", "-3"},
      {"2.0", "2.0"},
      {"2.50", "2.50"},
      {"0.1", "0.1"},
      {"1e3", "1e3"},
      {"-1.5E-2", "-1.5E-2"},
      {"18446744073709551615", "18446744073709551615"},  // Largest unsigned 64-bit integer.
      {"18446744073709551616", "18446744073709551616"},  // Parsed as a float, kept as written.
      {"-0", "0"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.label_json);
    const Dataset dataset = parse_jsonl("{\"text\": \"hi\", \"label\": " + c.label_json + "}\n");
    ASSERT_EQ(dataset.examples.size(), 1u);
    EXPECT_EQ(dataset.examples[0].text, "hi");
    EXPECT_EQ(dataset.examples[0].label, c.label);
  }
}

TEST(JsonlReader, DecodesTextAndIgnoresOtherKeys) {
  const Dataset dataset = parse_jsonl(
      "{\"id\": 1, \"meta\": {\"text\": \"nested\", \"label\": [1]}, \"label\": \"x\", "
      "\"text\": \"line\\nbreak \\\"q\\\" \\ud83d\\ude00\"}\r\n");
  ASSERT_EQ(dataset.examples.size(), 1u);
  EXPECT_EQ(dataset.examples[0].text, "line\nbreak \"q\" \xF0\x9F\x98\x80");
  EXPECT_EQ(dataset.examples[0].label, "x");
}

TEST(JsonlReader, CountsBlankLinesAndKeepsLineNumbers) {
  const Dataset dataset = parse_jsonl(
      "\xEF\xBB\xBF{\"text\":\"a\",\"label\":\"x\"}\n\n  \r\n{\"text\":\"b\",\"label\":\"y\"}");
  EXPECT_EQ(dataset.blank_lines, 2u);
  ASSERT_EQ(dataset.examples.size(), 2u);
  EXPECT_EQ(dataset.examples[0].line, 1u);
  EXPECT_EQ(dataset.examples[1].text, "b");
  EXPECT_EQ(dataset.examples[1].line, 4u);
}

TEST(JsonlReader, ReadsConfiguredKeys) {
  ReadOptions options;
  options.text_column = "sentence";
  options.label_column = "gold";
  const Dataset dataset =
      parse_jsonl("{\"sentence\":\"s\",\"gold\":3,\"text\":\"t\",\"label\":\"l\"}\n", options);
  ASSERT_EQ(dataset.examples.size(), 1u);
  EXPECT_EQ(dataset.examples[0].text, "s");
  EXPECT_EQ(dataset.examples[0].label, "3");
}

TEST(JsonlReader, AllowsAbsentLabelWhenNotRequired) {
  const Dataset dataset = parse_jsonl(
      "{\"text\":\"a\"}\n{\"text\":\"b\",\"label\":null}\n{\"text\":\"c\",\"label\":\"z\"}\n",
      unlabelled());
  ASSERT_EQ(dataset.examples.size(), 3u);
  EXPECT_EQ(dataset.examples[0].label, "");
  EXPECT_EQ(dataset.examples[1].label, "");
  EXPECT_EQ(dataset.examples[2].label, "z");
}

TEST(JsonlReader, RejectsMalformedLines) {
  struct Case {
    std::string name;
    std::string content;
    std::vector<std::string> expected;
  };
  const std::string good = "{\"text\":\"a\",\"label\":\"x\"}\n";
  const std::vector<Case> cases = {
      {"syntax error",
       good + "\n{\"text\": \"b\", \"label\": }\n",
       {"mem.jsonl:3:", "invalid JSON", "one JSON object"}},
      {"unterminated string", good + "{\"text\": \"b\n", {"mem.jsonl:2:", "invalid JSON"}},
      {"trailing content", good + good.substr(0, good.size() - 1) + " x\n",
       {"mem.jsonl:2:", "invalid JSON"}},
      {"array instead of object", "[\"a\", \"x\"]\n", {"mem.jsonl:1:", "got an array"}},
      {"string instead of object", "\"a\"\n", {"mem.jsonl:1:", "got a string"}},
      {"missing text key",
       "{\"sentence\":\"a\",\"label\":\"x\"}\n",
       {"mem.jsonl:1:", "missing text key \"text\"", "\"sentence\", \"label\""}},
      {"text only nested",
       "{\"meta\":{\"text\":\"a\"},\"label\":\"x\"}\n",
       {"mem.jsonl:1:", "missing text key \"text\"", "\"meta\", \"label\""}},
      {"text is a number", "{\"text\":5,\"label\":\"x\"}\n", {"mem.jsonl:1:", "got a number"}},
      {"label is a boolean",
       "{\"text\":\"a\",\"label\":true}\n",
       {"mem.jsonl:1:", "string or number, got a boolean"}},
      {"label is an object",
       "{\"text\":\"a\",\"label\":{\"x\":1}}\n",
       {"mem.jsonl:1:", "string or number, got an object"}},
      {"missing label key",
       "{\"text\":\"a\",\"category\":\"x\"}\n",
       {"mem.jsonl:1:", "missing label key \"label\"", "\"text\", \"category\""}},
      {"null label", "{\"text\":\"a\",\"label\":null}\n", {"mem.jsonl:1:", "missing label key"}},
      {"empty label", "{\"text\":\"a\",\"label\":\"\"}\n", {"mem.jsonl:1:", "empty label"}},
      {"duplicate key",
       "{\"text\":\"a\",\"label\":\"x\",\"text\":\"b\"}\n",
       {"mem.jsonl:1:", "key \"text\" appears more than once"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string message = message_of<IoError>([&] { parse_jsonl(c.content); });
    for (const std::string& part : c.expected) {
      EXPECT_NE(message.find(part), std::string::npos) << "missing: " << part << "\nin: " << message;
    }
  }
}

}  // namespace
}  // namespace maas::data
