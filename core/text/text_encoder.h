#pragma once
// Raw text to the fixed-length ids a model reads: a fitted WordTokenizer followed by padding.
// A trained model stores its encoder (to_json) so that inference and `maas tokenize` reproduce
// the model's input exactly.
//
// Thread safety: all methods are const, so one encoder may serve many threads at once.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/text/padding.h"
#include "core/text/word_tokenizer.h"

namespace maas::text {

inline constexpr std::string_view kTextEncoderFormat = "maas.text_encoder";
inline constexpr int64_t kTextEncoderVersion = 1;

class TextEncoder {
 public:
  // Throws InvalidArgument unless padding.max_length >= 1 and padding.value is a valid id,
  // in [0, tokenizer.vocab_size()), so every encoded id indexes a row of the embedding.
  TextEncoder(WordTokenizer tokenizer, PadOptions padding);

  // Returns exactly max_length() ids: tokenizer.text_to_sequence(text) truncated and padded.
  // Throws InvalidArgument naming the byte offset of invalid UTF-8.
  std::vector<int32_t> encode(std::string_view text) const;

  // Writes the ids encode() returns into dst[0, max_length()). The only allocation is one
  // buffer for the normalized text. On error dst is left unchanged.
  void encode_into(std::string_view text, int32_t* dst) const;

  // Encodes every text into one row-major buffer of texts.size() * max_length() ids. Errors
  // name the position of the bad text.
  std::vector<int32_t> encode_batch(const std::vector<std::string>& texts) const;

  int max_length() const { return padding_.max_length; }
  int vocab_size() const { return tokenizer_.vocab_size(); }
  const WordTokenizer& tokenizer() const { return tokenizer_; }
  const PadOptions& padding() const { return padding_; }

  // {"format": "maas.text_encoder", "version": 1, "tokenizer": WordTokenizer::to_json(),
  //  "padding": {"max_length": ..., "padding": "pre", "truncating": "pre", "value": 0}}
  nlohmann::json to_json() const;

  // Reads a document written by to_json, with the checks of WordTokenizer::from_json and of
  // the constructor. Errors name the JSON path, prefixed by `json_path` (where `j` sits in a
  // larger document).
  static TextEncoder from_json(const nlohmann::json& j, std::string_view json_path = "");

 private:
  WordTokenizer tokenizer_;
  PadOptions padding_;
};

}  // namespace maas::text
