#pragma once
// Raw text to the fixed-length ids a model reads: a fitted WordTokenizer, optional hashed word
// n-grams (word_ngrams.h), then truncation and padding. A trained model stores its encoder
// (to_json) so that inference and `maas tokenize` reproduce the model's input exactly.
//
// With n-grams, ids [0, word_vocab_size()) are words and ids word_vocab_size() + bucket are
// n-grams. Each word's id (when the tokenizer keeps the word) is followed by the ids of the
// n-grams that end at that word: the bigram, then the trigram, and so on. Every word takes part
// in n-grams, including unknown words and words cut by num_words, as in fastText, so the
// n-gram ids do not depend on the vocabulary. Truncation and padding then treat n-gram ids like
// word ids, and max_length counts both, so a window of the text keeps its words with their
// n-grams. A text of W words yields up to W + (W - 1) ids with bigrams.
//
// Thread safety: all methods are const, so one encoder may serve many threads at once.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/text/padding.h"
#include "core/text/word_ngrams.h"
#include "core/text/word_tokenizer.h"

namespace maas::text {

inline constexpr std::string_view kTextEncoderFormat = "maas.text_encoder";
// Version 2 adds "ngrams". Encoders without n-grams are still written as version 1, so older
// maas releases keep reading them.
inline constexpr int64_t kTextEncoderVersion = 2;

class TextEncoder {
 public:
  // Throws InvalidArgument unless padding.max_length >= 1, padding.value is a valid id, in
  // [0, tokenizer.vocab_size()), so every encoded id indexes a row of the embedding, and the
  // n-gram options pass validate_ngram_options.
  TextEncoder(WordTokenizer tokenizer, PadOptions padding, NgramOptions ngrams = {});

  // Returns exactly max_length() ids: the word and n-gram ids described at the top of this
  // file, truncated and padded.
  // Throws InvalidArgument naming the byte offset of invalid UTF-8.
  std::vector<int32_t> encode(std::string_view text) const;

  // Writes the ids encode() returns into dst[0, max_length()). The only allocation is one
  // buffer for the normalized text. On error dst is left unchanged.
  void encode_into(std::string_view text, int32_t* dst) const;

  // Encodes every text into one row-major buffer of texts.size() * max_length() ids. Errors
  // name the position of the bad text.
  std::vector<int32_t> encode_batch(const std::vector<std::string>& texts) const;

  int max_length() const { return padding_.max_length; }
  // Number of distinct ids encode() may return, which is the rows an embedding needs: the word
  // vocabulary plus the n-gram buckets when n-grams are on.
  int vocab_size() const;
  int word_vocab_size() const { return tokenizer_.vocab_size(); }
  const WordTokenizer& tokenizer() const { return tokenizer_; }
  const PadOptions& padding() const { return padding_; }
  const NgramOptions& ngrams() const { return ngrams_; }

  // {"format": "maas.text_encoder", "version": 1, "tokenizer": WordTokenizer::to_json(),
  //  "padding": {"max_length": ..., "padding": "pre", "truncating": "pre", "value": 0}}
  // With n-grams on, "version" is 2 and "ngrams": ngram_options_to_json() follows "padding".
  nlohmann::json to_json() const;

  // Reads a document written by to_json, with the checks of WordTokenizer::from_json and of
  // the constructor. Errors name the JSON path, prefixed by `json_path` (where `j` sits in a
  // larger document).
  static TextEncoder from_json(const nlohmann::json& j, std::string_view json_path = "");

 private:
  template <typename OnId>
  void for_each_id(std::string_view text, OnId&& on_id) const;

  WordTokenizer tokenizer_;
  PadOptions padding_;
  NgramOptions ngrams_;
};

}  // namespace maas::text
