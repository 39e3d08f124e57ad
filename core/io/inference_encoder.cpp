#include "core/io/inference_encoder.h"

#include <algorithm>
#include <string>
#include <unordered_set>

#include <fmt/format.h>

#include "core/common/error.h"
#include "core/text/json_fields.h"
#include "core/text/unicode.h"

namespace maas::io {

namespace fields = text::json_fields;

nlohmann::json inference_encoder_to_json(const text::TextEncoder& encoder) {
  const text::WordTokenizer& tokenizer = encoder.tokenizer();
  const std::vector<std::string>& words = tokenizer.index_word();
  // Ids at or above vocab_size() are cut by num_words and encode like unknown words.
  const std::size_t kept = std::min(words.size(), static_cast<std::size_t>(tokenizer.vocab_size()));
  nlohmann::json word_index = nlohmann::json::array({nullptr});
  for (std::size_t id = 1; id < kept; ++id) word_index.push_back(words[id]);

  nlohmann::json j = nlohmann::json::object();
  j["format"] = kInferenceEncoderFormat;
  j["version"] = encoder.ngrams().enabled() ? kInferenceEncoderVersion : 1;
  j["options"] = text::tokenizer_options_to_json(tokenizer.options());
  j["word_index"] = std::move(word_index);
  j["padding"] = text::pad_options_to_json(encoder.padding());
  if (encoder.ngrams().enabled()) {
    j["ngrams"] = text::ngram_options_to_json(encoder.ngrams());
  }
  return j;
}

text::TextEncoder inference_encoder_from_json(const nlohmann::json& j) {
  const std::int64_t version = fields::require_format(j, "", kInferenceEncoderFormat, 1, kInferenceEncoderVersion);
  if (version == 1) {
    fields::require_exact_keys(j, "", {"format", "version", "options", "word_index", "padding"});
  } else {
    fields::require_exact_keys(j, "", {"format", "version", "options", "word_index", "padding", "ngrams"});
  }
  const text::TokenizerOptions options = text::tokenizer_options_from_json(j.at("options"), "/options");
  // Checked here so that a bad padding is reported at its own path, before the encoder is built.
  text::pad_options_from_json(j.at("padding"), "/padding");

  const nlohmann::json& index = j.at("word_index");
  if (!index.is_array() || index.empty() || !index[0].is_null()) {
    fields::fail("/word_index", "an array that starts with null (padding id 0)", fields::describe(index),
                 "write the array that inference_encoder_to_json produces");
  }
  if (options.num_words && index.size() > static_cast<std::size_t>(*options.num_words)) {
    fields::fail("/word_index", fmt::format("at most num_words ({}) entries", *options.num_words),
                 fmt::format("{} entries", index.size()),
                 "drop the entries at ids num_words and above, which encode like unknown words");
  }
  std::size_t first_word = 1;
  std::unordered_set<std::string> seen;
  if (options.oov_token) {
    if (index.size() < 2 || index[1] != *options.oov_token) {
      fields::fail("/word_index/1", fmt::format("the oov_token \"{}\"", *options.oov_token),
                   index.size() < 2 ? std::string("no entry") : fields::describe(index[1]),
                   "put the OOV token at id 1, as the tokenizer does");
    }
    seen.insert(*options.oov_token);
    first_word = 2;
  }

  // The word tokenizer document derives ids from counts: by descending count, ties in first
  // occurrence order. Equal counts in id order therefore give back exactly these ids.
  nlohmann::json word_counts = nlohmann::json::array();
  for (std::size_t id = first_word; id < index.size(); ++id) {
    const std::string path = fields::child_path("/word_index", id);
    std::string word = fields::read_string(index[id], path);
    try {
      text::validate_utf8(word);
    } catch (const InvalidArgument& error) {
      fields::fail(path, "a UTF-8 string", error.what(), "re-encode the word as UTF-8");
    }
    if (!seen.insert(word).second) {
      fields::fail(path, "a word not listed before", fmt::format("a second \"{}\"", word),
                   "remove the duplicate; every word has one id");
    }
    word_counts.push_back(nlohmann::json::array({std::move(word), 1}));
  }

  const nlohmann::json tokenizer = {{"format", text::kWordTokenizerFormat},
                                    {"version", text::kWordTokenizerVersion},
                                    {"options", j.at("options")},
                                    {"document_count", 0},
                                    {"word_counts", std::move(word_counts)},
                                    {"word_index", index}};
  nlohmann::json encoder = {{"format", text::kTextEncoderFormat},
                            {"version", 1},
                            {"tokenizer", tokenizer},
                            {"padding", j.at("padding")}};
  if (version >= 2) {
    // Checked here so that errors name "/ngrams", the path in this document.
    text::ngram_options_from_json(j.at("ngrams"), "/ngrams");
    encoder["version"] = text::kTextEncoderVersion;
    encoder["ngrams"] = j.at("ngrams");
  }
  // The remaining check, padding.value below vocab_size, has the same path ("/padding/value")
  // in both documents.
  return text::TextEncoder::from_json(encoder);
}

}  // namespace maas::io
