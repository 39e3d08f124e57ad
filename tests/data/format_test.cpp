#include "core/data/format.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "tests/data/reader_test_support.h"

namespace maas::data {
namespace {

using testing::message_of;

TEST(ParseFormat, AcceptsEveryFormatName) {
  const std::vector<std::pair<std::string, Format>> cases = {
      {"auto", Format::kAuto},   {"csv", Format::kCsv},           {"tsv", Format::kTsv},
      {"jsonl", Format::kJsonl}, {"fasttext", Format::kFastText}, {"lines", Format::kLines},
  };
  for (const auto& [name, format] : cases) {
    SCOPED_TRACE(name);
    EXPECT_EQ(parse_format(name), format);
    EXPECT_EQ(format_name(format), name);
  }
}

TEST(ParseFormat, RejectsUnknownNames) {
  for (const std::string name : {"CSV", "", "json", "fastText", "text", " csv"}) {
    SCOPED_TRACE(name);
    const std::string message = message_of<InvalidArgument>([&] { parse_format(name); });
    EXPECT_NE(message.find("\"" + name + "\""), std::string::npos) << message;
    EXPECT_NE(message.find("auto, csv, tsv, jsonl, fasttext, lines"), std::string::npos)
        << message;
  }
}

TEST(FormatFromExtension, MapsEachAcceptedExtension) {
  const std::vector<std::pair<std::string, Format>> cases = {
      {"train.csv", Format::kCsv},
      {"data/TRAIN.CSV", Format::kCsv},
      {"/abs/dir.v2/train.tsv", Format::kTsv},
      {"train.jsonl", Format::kJsonl},
      {"train.ndjson", Format::kJsonl},
      {"train.NDJSON", Format::kJsonl},
      {"train.txt", Format::kFastText},
      {"train.ft", Format::kFastText},
  };
  for (const auto& [path, format] : cases) {
    SCOPED_TRACE(path);
    EXPECT_EQ(format_from_extension(path), format);
  }
}

TEST(FormatFromExtension, RejectsUnknownExtensions) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"train.dat", "extension \".dat\" is unknown"},
      {"train.csv.gz", "extension \".gz\" is unknown"},
      {"train.json", "extension \".json\" is unknown"},
      {"train", "it has no extension"},
      {"data.d/train", "it has no extension"},
  };
  for (const auto& [path, problem] : cases) {
    SCOPED_TRACE(path);
    const std::string message = message_of<InvalidArgument>([&] { format_from_extension(path); });
    EXPECT_NE(message.find("\"" + path + "\""), std::string::npos) << message;
    EXPECT_NE(message.find(problem), std::string::npos) << message;
    EXPECT_NE(message.find(".csv, .tsv, .jsonl, .ndjson, .txt, .ft"), std::string::npos)
        << message;
    EXPECT_NE(message.find("set the format explicitly"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace maas::data
