#include "core/text/padding.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/common/error.h"

namespace maas::text {
namespace {

using Ids = std::vector<int32_t>;

TEST(PadSequence, AppliesPaddingAndTruncatingSides) {
  struct Case {
    PadSide padding;
    PadSide truncating;
    Ids ids;
    Ids expected;
  };
  const Ids long_ids = {1, 2, 3, 4, 5, 6};
  const Ids short_ids = {7, 8};
  const std::vector<Case> cases = {
      {PadSide::kPre, PadSide::kPre, long_ids, {3, 4, 5, 6}},
      {PadSide::kPost, PadSide::kPre, long_ids, {3, 4, 5, 6}},
      {PadSide::kPre, PadSide::kPost, long_ids, {1, 2, 3, 4}},
      {PadSide::kPost, PadSide::kPost, long_ids, {1, 2, 3, 4}},
      {PadSide::kPre, PadSide::kPre, short_ids, {0, 0, 7, 8}},
      {PadSide::kPre, PadSide::kPost, short_ids, {0, 0, 7, 8}},
      {PadSide::kPost, PadSide::kPre, short_ids, {7, 8, 0, 0}},
      {PadSide::kPost, PadSide::kPost, short_ids, {7, 8, 0, 0}},
      {PadSide::kPre, PadSide::kPre, {1, 2, 3, 4}, {1, 2, 3, 4}},
      {PadSide::kPost, PadSide::kPost, {1, 2, 3, 4}, {1, 2, 3, 4}},
      {PadSide::kPre, PadSide::kPre, {}, {0, 0, 0, 0}},
      {PadSide::kPost, PadSide::kPost, {}, {0, 0, 0, 0}},
  };
  for (const Case& c : cases) {
    const PadOptions options{4, c.padding, c.truncating, 0};
    EXPECT_EQ(pad_sequence(c.ids, options), c.expected)
        << "padding=" << to_string(c.padding) << " truncating=" << to_string(c.truncating)
        << " length=" << c.ids.size();
  }
}

TEST(PadSequence, WritesCustomPadValue) {
  EXPECT_EQ(pad_sequence({7, 8}, PadOptions{4, PadSide::kPre, PadSide::kPre, 9}),
            (Ids{9, 9, 7, 8}));
  EXPECT_EQ(pad_sequence({7}, PadOptions{3, PadSide::kPost, PadSide::kPre, -1}),
            (Ids{7, -1, -1}));
}

TEST(PadSequence, RejectsMaxLengthBelowOne) {
  for (const int max_length : {0, -5}) {
    PadOptions options;
    options.max_length = max_length;
    EXPECT_THROW(pad_sequence({1}, options), InvalidArgument) << max_length;
  }
}

TEST(ParsePadSide, AcceptsOnlyPreAndPost) {
  EXPECT_EQ(parse_pad_side("pre"), PadSide::kPre);
  EXPECT_EQ(parse_pad_side("post"), PadSide::kPost);
  for (const std::string text : {"Pre", "POST", "", "left", "pre "}) {
    try {
      parse_pad_side(text);
      ADD_FAILURE() << "accepted \"" << text << "\"";
    } catch (const InvalidArgument& error) {
      EXPECT_NE(std::string(error.what()).find("\"" + text + "\""), std::string::npos)
          << error.what();
    }
  }
}

TEST(PadOptionsJson, RoundTrips) {
  const PadOptions options{12, PadSide::kPost, PadSide::kPre, 0};
  const nlohmann::json j = pad_options_to_json(options);
  EXPECT_EQ(j, nlohmann::json::parse(
                   R"({"max_length": 12, "padding": "post", "truncating": "pre", "value": 0})"));
  const PadOptions read = pad_options_from_json(j, "/padding");
  EXPECT_EQ(read.max_length, 12);
  EXPECT_EQ(read.padding, PadSide::kPost);
  EXPECT_EQ(read.truncating, PadSide::kPre);
  EXPECT_EQ(read.value, 0);
}

}  // namespace
}  // namespace maas::text
