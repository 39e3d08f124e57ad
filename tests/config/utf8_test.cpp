// Config text must be valid UTF-8, comments included; the first invalid byte is reported with
// its line and column.

#include <gtest/gtest.h>

#include "core/config/utf8_check.h"
#include "tests/config/config_test_helpers.h"

namespace maas::config {
namespace {

using testing::config_error;
using testing::kMinimalYaml;
using testing::kSource;

struct Utf8Case {
  std::string name;
  std::string text;
  std::size_t offset;  // expected first invalid byte, or npos
};

TEST(FindInvalidUtf8, ReportsFirstBadByte) {
  constexpr std::size_t kValid = std::string_view::npos;
  const std::vector<Utf8Case> cases = {
      {"ascii", "abc", kValid},
      {"two-byte e acute", "caf\xc3\xa9", kValid},
      {"three-byte CJK", "\xe4\xb8\xad", kValid},
      {"four-byte emoji", "\xf0\x9f\x98\x80", kValid},
      {"largest code point U+10FFFF", "\xf4\x8f\xbf\xbf", kValid},
      {"latin-1 byte", "caf\xe9", 3},
      {"lone continuation byte", "a\x80", 1},
      {"overlong slash", "\xc0\xaf", 0},
      {"overlong three-byte", "\xe0\x80\xaf", 0},
      {"utf-16 surrogate", "x\xed\xa0\x80", 1},
      {"above U+10FFFF", "\xf4\x90\x80\x80", 0},
      {"truncated at end", "ab\xe4\xb8", 2},
      {"ff byte", "\xff", 0},
  };
  for (const Utf8Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(detail::find_invalid_utf8(c.text), c.offset);
  }
}

TEST(ConfigUtf8, InvalidByteInCommentIsRejected) {
  const std::string yaml = std::string(kMinimalYaml) + "# caf\xe9\n";
  const std::string message = config_error(yaml);
  EXPECT_NE(message.find("(1 error):\n/work/exp/configs/text.yaml:8:6: invalid UTF-8: byte 0xe9"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("save the file as UTF-8"), std::string::npos) << message;
}

TEST(ConfigUtf8, InvalidByteInValueIsRejected) {
  const std::string yaml = std::string(kMinimalYaml) + "data:\n  text_column: t\xff\n";
  // data is given twice, but the encoding error is reported alone, before parsing.
  const std::string message = config_error(yaml);
  EXPECT_NE(message.find("(1 error):\n/work/exp/configs/text.yaml:9:17: invalid UTF-8: byte 0xff"),
            std::string::npos)
      << message;
}

TEST(ConfigUtf8, InvalidByteInOverrideIsRejected) {
  const std::string message = config_error(kMinimalYaml, {"data.text_column=t\xff"});
  EXPECT_NE(message.find("invalid UTF-8: byte 0xff at position 19"), std::string::npos) << message;
}

TEST(ConfigUtf8, ValidMultibyteTextIsAccepted) {
  const ExperimentConfig config = parse_config(
      std::string(kMinimalYaml) + "# 中文注释\ntokenizer: {oov_token: \"<未知>\"}\n", kSource);
  EXPECT_EQ(config.tokenizer.oov_token, "<未知>");
}

}  // namespace
}  // namespace maas::config
