#include "core/text/text_encoder.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "core/common/error.h"
#include "tests/text/fitted_tokenizer.h"

namespace maas::text {
namespace {

using Ids = std::vector<int32_t>;

using testing::fitted_tokenizer;

// "w1 w2 ... wN"
std::string words_up_to(int count) {
  std::string text;
  for (int word = 1; word <= count; ++word) {
    text += word > 1 ? " w" : "w";
    text += std::to_string(word);
  }
  return text;
}

TEST(TextEncoder, EncodesWithEachPaddingAndTruncatingSide) {
  struct Case {
    PadSide padding;
    PadSide truncating;
    std::string text;
    Ids expected;
  };
  const std::vector<Case> cases = {
      {PadSide::kPre, PadSide::kPre, "w1 w2 w3 w4 w5 w6", {3, 4, 5, 6}},
      {PadSide::kPost, PadSide::kPre, "w1 w2 w3 w4 w5 w6", {3, 4, 5, 6}},
      {PadSide::kPre, PadSide::kPost, "w1 w2 w3 w4 w5 w6", {1, 2, 3, 4}},
      {PadSide::kPost, PadSide::kPost, "w1 w2 w3 w4 w5 w6", {1, 2, 3, 4}},
      {PadSide::kPre, PadSide::kPre, "W7, w8!", {0, 0, 7, 8}},
      {PadSide::kPost, PadSide::kPost, "W7, w8!", {7, 8, 0, 0}},
      {PadSide::kPre, PadSide::kPre, "", {0, 0, 0, 0}},
      {PadSide::kPost, PadSide::kPre, " \t\n ", {0, 0, 0, 0}},
      {PadSide::kPre, PadSide::kPre, "unknown words only", {0, 0, 0, 0}},
  };
  for (const Case& c : cases) {
    const TextEncoder encoder(fitted_tokenizer(), PadOptions{4, c.padding, c.truncating, 0});
    EXPECT_EQ(encoder.encode(c.text), c.expected)
        << c.text << " padding=" << to_string(c.padding)
        << " truncating=" << to_string(c.truncating);
  }
}

TEST(TextEncoder, MatchesPadSequenceForEveryLength) {
  const WordTokenizer tokenizer = fitted_tokenizer();
  for (const PadSide padding : {PadSide::kPre, PadSide::kPost}) {
    for (const PadSide truncating : {PadSide::kPre, PadSide::kPost}) {
      for (const int max_length : {1, 3, 4}) {
        const PadOptions options{max_length, padding, truncating, 0};
        const TextEncoder encoder(tokenizer, options);
        for (int count = 0; count <= 10; ++count) {
          const std::string text = words_up_to(count);
          EXPECT_EQ(encoder.encode(text), pad_sequence(tokenizer.text_to_sequence(text), options))
              << text << " max_length=" << max_length << " padding=" << to_string(padding)
              << " truncating=" << to_string(truncating);
        }
      }
    }
  }
}

TEST(TextEncoder, EncodesChineseTextPerCharacter) {
  WordTokenizer tokenizer;
  tokenizer.fit_on_texts({"我爱游戏 gg", "游戏"});  // 游 1, 戏 2, 我 3, 爱 4, gg 5
  const TextEncoder encoder(tokenizer, PadOptions{6, PadSide::kPre, PadSide::kPre, 0});
  EXPECT_EQ(encoder.encode("我爱游戏 gg"), (Ids{0, 3, 4, 1, 2, 5}));

  TokenizerOptions keras_like;
  keras_like.split_cjk = false;
  WordTokenizer whole_words(keras_like);
  whole_words.fit_on_texts({"我爱游戏 gg", "游戏"});  // 我爱游戏 1, gg 2, 游戏 3 (all once)
  const TextEncoder whole_encoder(whole_words, PadOptions{3, PadSide::kPre, PadSide::kPre, 0});
  EXPECT_EQ(whole_encoder.encode("我爱游戏 gg"), (Ids{0, 1, 2}));
}

TEST(TextEncoder, EncodeBatchPacksRows) {
  const TextEncoder encoder(fitted_tokenizer(), PadOptions{3, PadSide::kPost, PadSide::kPost, 0});
  EXPECT_EQ(encoder.encode_batch({"w1", "w2 w3 w4 w5", ""}), (Ids{1, 0, 0, 2, 3, 4, 0, 0, 0}));
  try {
    encoder.encode_batch({"w1", "\xFF"});
    FAIL() << "accepted invalid UTF-8";
  } catch (const InvalidArgument& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("text 1 of 2"), std::string::npos) << message;
    EXPECT_NE(message.find("byte offset 0"), std::string::npos) << message;
  }
}

TEST(TextEncoder, LeavesDestinationUnchangedOnInvalidUtf8) {
  const TextEncoder encoder(fitted_tokenizer(), PadOptions{3, PadSide::kPre, PadSide::kPre, 0});
  Ids dst = {-7, -7, -7};
  EXPECT_THROW(encoder.encode_into("w1 w2 \xE6\x88", dst.data()), InvalidArgument);
  EXPECT_EQ(dst, (Ids{-7, -7, -7}));
}

TEST(TextEncoder, RejectsPadValueOutsideVocabulary) {
  for (const int32_t value : {-1, 11, 1000}) {
    const PadOptions options{4, PadSide::kPre, PadSide::kPre, value};
    EXPECT_THROW(TextEncoder(fitted_tokenizer(), options), InvalidArgument) << value;
  }
  EXPECT_THROW(TextEncoder(fitted_tokenizer(), PadOptions{0, PadSide::kPre, PadSide::kPre, 0}),
               InvalidArgument);
}

TEST(TextEncoder, EncodesConcurrentlyFromSeveralThreads) {
  const TextEncoder encoder(fitted_tokenizer(), PadOptions{5, PadSide::kPre, PadSide::kPre, 0});
  const Ids expected = encoder.encode("w9 w1 zz w3");
  std::vector<Ids> results(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&encoder, &results, t] {
      for (int repeat = 0; repeat < 2000; ++repeat) {
        results[t] = encoder.encode("w9 w1 zz w3");
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  for (const Ids& result : results) {
    EXPECT_EQ(result, expected);
  }
  EXPECT_EQ(expected, (Ids{0, 0, 9, 1, 3}));
}

}  // namespace
}  // namespace maas::text
