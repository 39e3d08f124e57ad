#pragma once
// Options of the word tokenizer. Names and defaults follow Keras 2's
// tf.keras.preprocessing.text.Tokenizer, plus split_cjk, which Keras lacks.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace maas::text {

// Keras' default `filters`: ASCII punctuation except the apostrophe, plus tab and newline.
inline constexpr std::string_view kKerasFilters = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n";

struct TokenizerOptions {
  // Ids kept by texts_to_sequences are those below num_words, so the num_words - 1 most
  // frequent entries of word_index survive. nullopt keeps all words. Keras reads 0 as "keep
  // all", but maas rejects 0 because nullopt already means that.
  std::optional<int> num_words;
  // Every code point in `filters` is replaced by `split` before splitting. Ignored when
  // char_level is set, as in Keras.
  std::string filters{kKerasFilters};
  // Lowercase with Python's str.lower rules (full Unicode mapping).
  bool lower = true;
  // Separator of words, which must not be empty. Runs of it yield no empty words.
  std::string split = " ";
  // Every code point is a token, spaces included, and filters are not applied (Keras).
  bool char_level = false;
  // Token at index 1 that stands for unknown words and words cut by num_words. Keras default:
  // none, so such words are dropped.
  std::optional<std::string> oov_token;
  // maas addition: puts `split` before and after every CJK ideograph, Hiragana, Katakana and
  // Hangul syllable, so text written without spaces yields one token per character. With
  // false, a Chinese sentence without spaces is one token, as in Keras.
  bool split_cjk = true;
};

// Throws InvalidArgument unless the options can build a tokenizer. num_words must be >= 1, or
// >= 2 with an oov_token because index 1 must stay below num_words. split must not be empty,
// and filters, split and oov_token must be valid UTF-8. The message names the field.
void validate_tokenizer_options(const TokenizerOptions& options);

// JSON object with every field. An unset num_words or oov_token is written as null.
nlohmann::json tokenizer_options_to_json(const TokenizerOptions& options);

// Reads the object written by tokenizer_options_to_json. Every field is required and unknown
// fields are rejected. Errors name the JSON path below `json_path`.
TokenizerOptions tokenizer_options_from_json(const nlohmann::json& j, std::string_view json_path);

}  // namespace maas::text
