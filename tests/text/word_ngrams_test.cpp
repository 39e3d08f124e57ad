#include "core/text/word_ngrams.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"
#include "tests/text/fitted_tokenizer.h"
#include "core/text/text_encoder.h"

namespace maas::text {
namespace {

using Ids = std::vector<int32_t>;

// A second FNV-1a 64, written from the published definition: for each byte, xor then multiply
// by the prime, modulo 2^64. The window is joined into one string first.
std::uint64_t reference_fnv1a64(const std::string& bytes) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (const unsigned char byte : bytes) {
    hash = (hash ^ byte) * 1099511628211ULL;
  }
  return hash;
}

std::uint32_t reference_bucket(const std::vector<std::string>& words, int buckets) {
  std::string joined;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) joined += '\xFF';
    joined += words[i];
  }
  return static_cast<std::uint32_t>(reference_fnv1a64(joined) % static_cast<std::uint64_t>(buckets));
}

std::uint32_t bucket_of(const std::vector<std::string_view>& words, int buckets) {
  return ngram_bucket(words, buckets);
}

using testing::fitted_tokenizer;

TEST(Fnv1a64, MatchesPublishedVectors) {
  // Test vectors of the FNV reference (Fowler, Noll, Vo: "FNV hash", isthe.com/chongo/tech/comp/fnv).
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

TEST(NgramBucket, MatchesGoldenValues) {
  // Golden values from an independent Python implementation of the documented scheme:
  // fnv1a64(b"\xff".join(words)) % buckets.
  EXPECT_EQ(bucket_of({"good", "game"}, 2000000), 722183u);
  EXPECT_EQ(bucket_of({"a", "b", "c"}, 2000000), 742635u);
  EXPECT_EQ(bucket_of({"你", "好"}, 2000000), 13288u);
  EXPECT_EQ(bucket_of({"w1", "w2"}, 100), 83u);
  EXPECT_EQ(bucket_of({"w1", "w2", "w3"}, 100), 86u);
}

TEST(NgramBucket, MatchesReferenceImplementation) {
  const std::vector<std::vector<std::string>> windows = {
      {"good", "game"}, {"gg", "wp", "ez"}, {"é", "ß"}, {"a", ""}, {"", "a"}, {"x", "y", "z", "w", "v"}};
  for (const int buckets : {1, 7, 100, 2000000, kMaxNgramBuckets}) {
    for (const std::vector<std::string>& window : windows) {
      const std::vector<std::string_view> views(window.begin(), window.end());
      EXPECT_EQ(ngram_bucket(views, buckets), reference_bucket(window, buckets))
          << window[0] << " ... with " << buckets << " buckets";
    }
  }
}

TEST(NgramBucket, SeparatorKeepsWindowsApart) {
  // Without a separator "ab c" and "a bc" would hash the same bytes.
  EXPECT_NE(bucket_of({"ab", "c"}, kMaxNgramBuckets), bucket_of({"a", "bc"}, kMaxNgramBuckets));
}

TEST(TextEncoderNgrams, EncodesGoldenIdsForEachSide) {
  // Word ids 1..10, then n-gram ids 11 + bucket with 100 buckets:
  // (w1 w2) -> 83, (w2 w3) -> 19, (w1 w2 w3) -> 86.
  struct Case {
    int order;
    int max_length;
    PadSide padding;
    PadSide truncating;
    Ids expected;
  };
  const std::vector<Case> cases = {
      {2, 7, PadSide::kPre, PadSide::kPre, {0, 0, 1, 2, 94, 3, 30}},
      {2, 7, PadSide::kPost, PadSide::kPre, {1, 2, 94, 3, 30, 0, 0}},
      {2, 4, PadSide::kPre, PadSide::kPre, {2, 94, 3, 30}},
      {2, 4, PadSide::kPre, PadSide::kPost, {1, 2, 94, 3}},
      {3, 6, PadSide::kPre, PadSide::kPre, {1, 2, 94, 3, 30, 97}},
      {3, 3, PadSide::kPost, PadSide::kPre, {3, 30, 97}},
  };
  for (const Case& c : cases) {
    const TextEncoder encoder(fitted_tokenizer(), PadOptions{c.max_length, c.padding, c.truncating, 0},
                              NgramOptions{c.order, 100});
    EXPECT_EQ(encoder.encode("w1 w2 w3"), c.expected)
        << "order " << c.order << " max_length " << c.max_length << " padding " << to_string(c.padding)
        << " truncating " << to_string(c.truncating);
  }
}

TEST(TextEncoderNgrams, UnknownWordsTakePartInNgrams) {
  // zz is not in the vocabulary, so its word id is dropped, but (w1 zz) -> 10 and
  // (zz w2) -> 35 stay, as in fastText.
  const TextEncoder encoder(fitted_tokenizer(), PadOptions{4, PadSide::kPre, PadSide::kPre, 0}, NgramOptions{2, 100});
  EXPECT_EQ(encoder.encode("w1 zz w2"), (Ids{1, 21, 2, 46}));

  TokenizerOptions with_oov;
  with_oov.oov_token = "<oov>";
  const TextEncoder oov_encoder(fitted_tokenizer(with_oov), PadOptions{5, PadSide::kPre, PadSide::kPre, 0},
                                NgramOptions{2, 100});
  // <oov> is id 1, w1 id 2, w2 id 3, vocab_size 12; the n-grams hash the text's words, not <oov>.
  EXPECT_EQ(oov_encoder.encode("w1 zz w2"), (Ids{2, 1, 22, 3, 47}));
}

TEST(TextEncoderNgrams, ChineseCharactersFormBigrams) {
  WordTokenizer tokenizer;
  tokenizer.fit_on_texts({"我爱你", "我"});
  // 我 1, 爱 2, 你 3, so vocab_size 4; (我 爱) -> 127 and (爱 你) -> 87 of 1000 buckets.
  const TextEncoder encoder(std::move(tokenizer), PadOptions{6, PadSide::kPre, PadSide::kPre, 0},
                            NgramOptions{2, 1000});
  EXPECT_EQ(encoder.vocab_size(), 1004);
  EXPECT_EQ(encoder.encode("我爱你"), (Ids{0, 1, 2, 131, 3, 91}));
}

TEST(TextEncoderNgrams, VocabSizeCountsBuckets) {
  const TextEncoder off(fitted_tokenizer(), PadOptions{4, PadSide::kPre, PadSide::kPre, 0});
  EXPECT_EQ(off.vocab_size(), 11);
  const TextEncoder on(fitted_tokenizer(), PadOptions{4, PadSide::kPre, PadSide::kPre, 0}, NgramOptions{2, 500});
  EXPECT_EQ(on.vocab_size(), 511);
  EXPECT_EQ(on.word_vocab_size(), 11);
}

TEST(TextEncoderNgrams, JsonRoundTripKeepsIds) {
  const TextEncoder encoder(fitted_tokenizer(), PadOptions{8, PadSide::kPost, PadSide::kPre, 0}, NgramOptions{3, 1000});
  const nlohmann::json document = encoder.to_json();
  EXPECT_EQ(document["version"], 2);
  EXPECT_EQ(document["ngrams"], (nlohmann::json{{"n", 3}, {"buckets", 1000}, {"hash", "fnv1a64"}}));
  const TextEncoder loaded = TextEncoder::from_json(document);
  EXPECT_EQ(loaded.ngrams(), encoder.ngrams());
  EXPECT_EQ(loaded.encode("w4 w1 zz w2 w3"), encoder.encode("w4 w1 zz w2 w3"));
}

TEST(TextEncoderNgrams, EncoderWithoutNgramsStaysVersion1) {
  const TextEncoder encoder(fitted_tokenizer(), PadOptions{4, PadSide::kPre, PadSide::kPre, 0});
  const nlohmann::json document = encoder.to_json();
  EXPECT_EQ(document["version"], 1);
  EXPECT_FALSE(document.contains("ngrams"));
  EXPECT_EQ(TextEncoder::from_json(document).ngrams(), NgramOptions{});
}

TEST(TextEncoderNgrams, RejectsInvalidDocuments) {
  const nlohmann::json good =
      TextEncoder(fitted_tokenizer(), PadOptions{4, PadSide::kPre, PadSide::kPre, 0}, NgramOptions{2, 100}).to_json();
  struct Case {
    const char* pointer;
    nlohmann::json value;
    const char* expected_path;
  };
  const std::vector<Case> cases = {
      {"/ngrams/n", 1, "/ngrams/n"},
      {"/ngrams/n", kMaxNgramOrder + 1, "/ngrams/n"},
      {"/ngrams/buckets", 0, "/ngrams/buckets"},
      {"/ngrams/buckets", "100", "/ngrams/buckets"},
      {"/ngrams/hash", "murmur3", "/ngrams/hash"},
  };
  for (const Case& c : cases) {
    nlohmann::json document = good;
    document[nlohmann::json::json_pointer(c.pointer)] = c.value;
    try {
      TextEncoder::from_json(document);
      ADD_FAILURE() << c.pointer << " = " << c.value.dump() << " was accepted";
    } catch (const Error& error) {
      EXPECT_NE(std::string(error.what()).find(c.expected_path), std::string::npos) << error.what();
    }
  }

  nlohmann::json missing = good;
  missing.erase("ngrams");
  EXPECT_THROW(TextEncoder::from_json(missing), InvalidArgument);
  nlohmann::json extra = good;
  extra["version"] = 1;
  EXPECT_THROW(TextEncoder::from_json(extra), InvalidArgument);
}

TEST(TextEncoderNgrams, RejectsInvalidOptions) {
  const PadOptions padding{4, PadSide::kPre, PadSide::kPre, 0};
  for (const NgramOptions& options : {NgramOptions{0, 100}, NgramOptions{-1, 100}, NgramOptions{kMaxNgramOrder + 1, 100},
                                      NgramOptions{2, 0}, NgramOptions{2, -5}, NgramOptions{2, kMaxNgramBuckets + 1}}) {
    EXPECT_THROW(TextEncoder(fitted_tokenizer(), padding, options), InvalidArgument)
        << "order " << options.order << " buckets " << options.buckets;
  }
  // Buckets are unused with n-grams off, so any count passes.
  EXPECT_NO_THROW(TextEncoder(fitted_tokenizer(), padding, NgramOptions{1, 0}));
}

}  // namespace
}  // namespace maas::text
