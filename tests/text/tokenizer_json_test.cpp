#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "core/common/error.h"
#include "core/text/text_encoder.h"
#include "core/text/word_tokenizer.h"

namespace maas::text {
namespace {

using nlohmann::json;

WordTokenizer small_tokenizer() {
  TokenizerOptions options;
  options.oov_token = "<OOV>";
  WordTokenizer tokenizer(options);
  tokenizer.fit_on_texts({"b a c", "c a"});
  return tokenizer;
}

TEST(WordTokenizerJson, WritesGoldenDocument) {
  json expected = json::parse(R"({
    "format": "maas.word_tokenizer",
    "version": 1,
    "options": {"num_words": null, "lower": true, "split": " ", "char_level": false,
                "oov_token": "<OOV>", "split_cjk": true},
    "document_count": 2,
    "word_counts": [["b", 1], ["a", 2], ["c", 2]],
    "word_index": [null, "<OOV>", "a", "c", "b"]
  })");
  expected["options"]["filters"] = std::string(kKerasFilters);
  EXPECT_EQ(small_tokenizer().to_json(), expected);
}

TEST(WordTokenizerJson, RoundTripsEveryOption) {
  TokenizerOptions options;
  options.num_words = 3;
  options.filters = "!，";
  options.lower = false;
  options.split = "|";
  options.oov_token = "[UNK]";
  options.split_cjk = false;
  WordTokenizer original(options);
  original.fit_on_texts({"Ab|cd!ef|Ab", "我爱，游戏|cd"});

  const WordTokenizer restored = WordTokenizer::from_json(json::parse(original.to_json().dump()));
  EXPECT_EQ(restored.to_json(), original.to_json());
  EXPECT_EQ(restored.index_word(), original.index_word());
  EXPECT_EQ(restored.word_counts(), original.word_counts());
  EXPECT_EQ(restored.document_count(), 2);
  EXPECT_EQ(restored.vocab_size(), 3);
  EXPECT_EQ(restored.options().num_words, 3);
  EXPECT_EQ(restored.options().filters, "!，");
  EXPECT_FALSE(restored.options().lower);
  EXPECT_EQ(restored.options().split, "|");
  EXPECT_EQ(restored.options().oov_token, "[UNK]");
  EXPECT_FALSE(restored.options().split_cjk);
  const std::string text = "Ab|cd|我爱|zz";
  EXPECT_EQ(restored.text_to_sequence(text), original.text_to_sequence(text));
}

TEST(WordTokenizerJson, ContinuesFittingLikeTheOriginal) {
  WordTokenizer original;
  original.fit_on_texts({"x y"});
  WordTokenizer restored = WordTokenizer::from_json(original.to_json());
  original.fit_on_texts({"y z z"});
  restored.fit_on_texts({"y z z"});
  EXPECT_EQ(restored.index_word(), original.index_word());
  EXPECT_EQ(restored.document_count(), 2);
}

struct BadField {
  std::string label;
  std::function<void(json&)> edit;
  std::string path;
};

// Checks that from_json rejects each edited document with a message naming `path`.
template <typename Reader>
void expect_rejected_at_path(const json& valid, const std::vector<BadField>& cases,
                             Reader read) {
  for (const BadField& c : cases) {
    json document = valid;
    c.edit(document);
    try {
      read(document);
      ADD_FAILURE() << c.label << " was accepted";
    } catch (const InvalidArgument& error) {
      EXPECT_NE(std::string(error.what()).find(" " + c.path + ":"), std::string::npos)
          << c.label << ": " << error.what();
    }
  }
}

TEST(WordTokenizerJson, RejectsBadFieldsNamingJsonPath) {
  const std::vector<BadField> cases = {
      {"not an object", [](json& j) { j = json::array(); }, "the document root"},
      {"missing format", [](json& j) { j.erase("format"); }, "/format"},
      {"other format", [](json& j) { j["format"] = "maas.bpe"; }, "/format"},
      {"version as string", [](json& j) { j["version"] = "1"; }, "/version"},
      {"version 0", [](json& j) { j["version"] = 0; }, "/version"},
      {"unknown field", [](json& j) { j["extra"] = 1; }, "/extra"},
      {"num_words 0", [](json& j) { j["options"]["num_words"] = 0; }, "/options/num_words"},
      {"num_words 1 with oov", [](json& j) { j["options"]["num_words"] = 1; },
       "/options/num_words"},
      {"num_words float", [](json& j) { j["options"]["num_words"] = 2.5; },
       "/options/num_words"},
      {"lower as string", [](json& j) { j["options"]["lower"] = "yes"; }, "/options/lower"},
      {"empty split", [](json& j) { j["options"]["split"] = ""; }, "/options/split"},
      {"missing split_cjk", [](json& j) { j["options"].erase("split_cjk"); },
       "/options/split_cjk"},
      {"unknown option", [](json& j) { j["options"]["lowercase"] = true; },
       "/options/lowercase"},
      {"negative document_count", [](json& j) { j["document_count"] = -1; },
       "/document_count"},
      {"word_counts object", [](json& j) { j["word_counts"] = json::object(); }, "/word_counts"},
      {"pair too short", [](json& j) { j["word_counts"][1] = json::array({"a"}); },
       "/word_counts/1"},
      {"word not string", [](json& j) { j["word_counts"][1][0] = 7; }, "/word_counts/1/0"},
      {"count zero", [](json& j) { j["word_counts"][1][1] = 0; }, "/word_counts/1/1"},
      {"count float", [](json& j) { j["word_counts"][1][1] = 1.5; }, "/word_counts/1/1"},
      {"duplicate word", [](json& j) { j["word_counts"][2][0] = "b"; }, "/word_counts/2/0"},
      {"entry 0 not null", [](json& j) { j["word_index"][0] = ""; }, "/word_index"},
      {"word swapped", [](json& j) { j["word_index"][3] = "zzz"; }, "/word_index/3"},
      {"word not string", [](json& j) { j["word_index"][2] = 5; }, "/word_index/2"},
      {"order differs", [](json& j) { std::swap(j["word_index"][2], j["word_index"][4]); },
       "/word_index/2"},
      {"entry missing", [](json& j) { j["word_index"].erase(4); }, "/word_index"},
      {"entry extra", [](json& j) { j["word_index"].push_back("d"); }, "/word_index"},
  };
  expect_rejected_at_path(small_tokenizer().to_json(), cases,
                          [](const json& j) { WordTokenizer::from_json(j); });
}

TEST(WordTokenizerJson, RejectsNewerVersionAsUnsupported) {
  json document = small_tokenizer().to_json();
  document["version"] = 2;
  EXPECT_THROW(WordTokenizer::from_json(document), Unsupported);
}

TEST(TextEncoderJson, RoundTripsTokenizerAndPadding) {
  const TextEncoder original(small_tokenizer(), PadOptions{5, PadSide::kPost, PadSide::kPost, 0});
  const TextEncoder restored = TextEncoder::from_json(json::parse(original.to_json().dump()));
  EXPECT_EQ(restored.to_json(), original.to_json());
  EXPECT_EQ(restored.max_length(), 5);
  EXPECT_EQ(restored.vocab_size(), 5);
  EXPECT_EQ(restored.padding().padding, PadSide::kPost);
  EXPECT_EQ(restored.padding().truncating, PadSide::kPost);
  // a 2, c 3, b 4, unknown d 1
  EXPECT_EQ(restored.encode("A b, d c"), (std::vector<int32_t>{2, 4, 1, 3, 0}));
  EXPECT_EQ(restored.encode("A b, d c"), original.encode("A b, d c"));
}

TEST(TextEncoderJson, RejectsBadFieldsNamingJsonPath) {
  const std::vector<BadField> cases = {
      {"other format", [](json& j) { j["format"] = "maas.word_tokenizer"; }, "/format"},
      {"missing padding", [](json& j) { j.erase("padding"); }, "/padding"},
      {"tokenizer word", [](json& j) { j["tokenizer"]["word_index"][3] = "zzz"; },
       "/tokenizer/word_index/3"},
      {"tokenizer option", [](json& j) { j["tokenizer"]["options"]["split"] = 3; },
       "/tokenizer/options/split"},
      {"pad side", [](json& j) { j["padding"]["padding"] = "middle"; }, "/padding/padding"},
      {"truncating type", [](json& j) { j["padding"]["truncating"] = true; },
       "/padding/truncating"},
      {"max_length 0", [](json& j) { j["padding"]["max_length"] = 0; }, "/padding/max_length"},
      {"value out of vocabulary", [](json& j) { j["padding"]["value"] = 99; },
       "/padding/value"},
      {"unknown padding field", [](json& j) { j["padding"]["side"] = "pre"; },
       "/padding/side"},
  };
  const TextEncoder encoder(small_tokenizer(), PadOptions{5, PadSide::kPre, PadSide::kPre, 0});
  expect_rejected_at_path(encoder.to_json(), cases,
                          [](const json& j) { TextEncoder::from_json(j); });
}

TEST(TextEncoderJson, PrefixesPathsWhenNested) {
  const TextEncoder encoder(small_tokenizer(), PadOptions{5, PadSide::kPre, PadSide::kPre, 0});
  json document = encoder.to_json();
  document["padding"]["value"] = "0";
  try {
    TextEncoder::from_json(document, "/text_encoder");
    FAIL() << "accepted a string pad value";
  } catch (const InvalidArgument& error) {
    EXPECT_NE(std::string(error.what()).find(" /text_encoder/padding/value:"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace maas::text
