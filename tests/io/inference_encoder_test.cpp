#include "core/io/inference_encoder.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/common/error.h"

namespace maas::io {
namespace {

// Fitted on texts where "sell", "shield" and "ez" end up at ids 8 to 10, which num_words 8 cuts.
text::TextEncoder fitted_encoder(std::optional<std::string> oov_token) {
  text::TokenizerOptions options;
  options.num_words = 8;
  options.oov_token = std::move(oov_token);
  text::WordTokenizer tokenizer(options);
  tokenizer.fit_on_texts({"gg wp team", "buy sword cheap", "sell shield gg cheap", "gg ez"});
  return text::TextEncoder(std::move(tokenizer), text::PadOptions{6});
}

const std::vector<std::string> kTexts = {"gg wp team", "sell shield ez", "", "GG, cheap sword!", "unknown words",
                                         "buy buy buy buy buy buy buy buy"};

TEST(InferenceEncoder, KeepsOnlyIdsBelowNumWords) {
  // Ids by descending count: 1 <oov>, 2 gg (3), 3 cheap (2), then count 1 in first-occurrence
  // order: 4 wp, 5 team, 6 buy, 7 sword; num_words 8 cuts sell, shield and ez.
  const nlohmann::json j = inference_encoder_to_json(fitted_encoder("<oov>"));
  EXPECT_EQ(j["format"], "maas.inference_encoder");
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["word_index"], nlohmann::json::parse(R"([null, "<oov>", "gg", "cheap", "wp", "team", "buy", "sword"])"));
  EXPECT_EQ(j["padding"]["max_length"], 6);
  EXPECT_EQ(j["options"]["num_words"], 8);
}

TEST(InferenceEncoder, RoundTripGivesSameIds) {
  for (const std::optional<std::string>& oov : {std::optional<std::string>("<oov>"), std::optional<std::string>()}) {
    SCOPED_TRACE(oov.value_or("no oov_token"));
    const text::TextEncoder original = fitted_encoder(oov);
    const text::TextEncoder loaded = inference_encoder_from_json(inference_encoder_to_json(original));
    EXPECT_EQ(loaded.vocab_size(), original.vocab_size());
    EXPECT_EQ(loaded.max_length(), original.max_length());
    for (const std::string& text : kTexts) EXPECT_EQ(loaded.encode(text), original.encode(text)) << text;
    // The document is stable: writing the loaded encoder again gives the same JSON.
    EXPECT_EQ(inference_encoder_to_json(loaded), inference_encoder_to_json(original));
  }
}

TEST(InferenceEncoder, RejectsInvalidDocuments) {
  const nlohmann::json good = inference_encoder_to_json(fitted_encoder("<oov>"));
  struct Case {
    const char* name;
    std::function<void(nlohmann::json&)> edit;
    const char* message_part;
  };
  const std::vector<Case> cases = {
      {"word_counts added", [](nlohmann::json& j) { j["word_counts"] = nlohmann::json::array(); }, "word_counts"},
      {"word_index missing", [](nlohmann::json& j) { j.erase("word_index"); }, "word_index"},
      {"other format", [](nlohmann::json& j) { j["format"] = "maas.text_encoder"; }, "maas.inference_encoder"},
      {"no padding entry", [](nlohmann::json& j) { j["word_index"][0] = "pad"; }, "/word_index"},
      {"OOV token not at id 1", [](nlohmann::json& j) { j["word_index"][1] = "gg"; }, "/word_index/1"},
      {"duplicate word", [](nlohmann::json& j) { j["word_index"][5] = "gg"; }, "/word_index/5"},
      {"OOV token repeated", [](nlohmann::json& j) { j["word_index"][7] = "<oov>"; }, "/word_index/7"},
      {"word not a string", [](nlohmann::json& j) { j["word_index"][4] = 4; }, "/word_index/4"},
      {"more entries than num_words", [](nlohmann::json& j) { j["word_index"].push_back("sell"); },
       "at most num_words (8) entries"},
      {"padding value outside vocabulary", [](nlohmann::json& j) { j["padding"]["value"] = 8; }, "/padding/value"},
      {"bad option", [](nlohmann::json& j) { j["options"]["split"] = ""; }, "split"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    nlohmann::json damaged = good;
    c.edit(damaged);
    try {
      inference_encoder_from_json(damaged);
      ADD_FAILURE() << "accepted " << damaged.dump();
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(c.message_part), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace maas::io
