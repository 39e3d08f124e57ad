#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/data/dataset.h"
#include "tests/data/reader_test_support.h"

namespace maas::data {
namespace {

using testing::message_of;

TEST(Utf8Check, RejectsInvalidSequencesWithLineAndOffset) {
  struct Case {
    std::string name;
    std::string bytes;
    std::string first_byte;
  };
  const std::vector<Case> cases = {
      {"invalid byte", "\xFF", "0xFF"},
      {"stray continuation byte", "\x80", "0x80"},
      {"overlong slash", "\xC0\xAF", "0xC0"},
      {"overlong three bytes", "\xE0\x80\xAF", "0xE0"},
      {"UTF-16 surrogate", "\xED\xA0\x80", "0xED"},
      {"above U+10FFFF", "\xF4\x90\x80\x80", "0xF4"},
      {"truncated sequence", "\xE2\x82", "0xE2"},
      {"Latin-1 e acute", "\xE9", "0xE9"},
  };
  // "text,label\n" is 11 bytes and "ok,x\n" 5, so the bad byte after "ab" is at offset 18.
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string content = "text,label\nok,x\nab" + c.bytes + ",x\n";
    const std::string message =
        message_of<IoError>([&] { parse_dataset(content, "mem.csv", Format::kCsv, {}); });
    EXPECT_NE(message.find("mem.csv:3:"), std::string::npos) << message;
    EXPECT_NE(message.find("invalid UTF-8 at byte offset 18"), std::string::npos) << message;
    EXPECT_NE(message.find("column 3"), std::string::npos) << message;
    EXPECT_NE(message.find("byte " + c.first_byte), std::string::npos) << message;
  }
}

TEST(Utf8Check, CountsOffsetFromFileStartIncludingBom) {
  const std::string content = "\xEF\xBB\xBF{\"text\":\"\xC3\",\"label\":\"x\"}\n";
  const std::string message =
      message_of<IoError>([&] { parse_dataset(content, "mem.jsonl", Format::kJsonl, {}); });
  EXPECT_NE(message.find("mem.jsonl:1:"), std::string::npos) << message;
  EXPECT_NE(message.find("byte offset 12"), std::string::npos) << message;
  EXPECT_NE(message.find("column 13"), std::string::npos) << message;
}

TEST(Utf8Check, AcceptsValidMultibyteText) {
  const std::string text = "h\xC3\xA9llo \xE4\xBD\xA0\xE5\xA5\xBD \xF0\x9F\x98\x80 \xEF\xBF\xBD";
  const Dataset dataset = parse_dataset("__label__x " + text + "\n", "mem.txt",
                                        Format::kFastText, {});
  ASSERT_EQ(dataset.examples.size(), 1u);
  EXPECT_EQ(dataset.examples[0].text, text);
}

}  // namespace
}  // namespace maas::data
