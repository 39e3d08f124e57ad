#pragma once
// The tokenizer.json of format version 3 artifacts: only what encoding needs.
//
//   {"format": "maas.inference_encoder", "version": 1,
//    "options": {...},                                  text::tokenizer_options_to_json
//    "word_index": [null, "<oov>", "wtb", "mana", ...],  the word at each id below vocab_size()
//    "padding": {"max_length": 64, "padding": "pre", "truncating": "pre", "value": 0}}
//
// Version 2 adds "ngrams": {"n": 2, "buckets": ..., "hash": "fnv1a64"} (text::NgramOptions) and
// is written only for encoders with n-grams on, so older maas releases keep reading the rest.
//
// The full text::TextEncoder document also stores word_counts, document_count and the words at
// ids that num_words cuts, which encode like unknown words. Dropping them makes the file about
// 2.4 times smaller on a 14,000-word vocabulary, and the ids every text encodes to stay the same.

#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/text/text_encoder.h"

namespace maas::io {

inline constexpr std::string_view kInferenceEncoderFormat = "maas.inference_encoder";
inline constexpr std::int64_t kInferenceEncoderVersion = 2;

// Returns the document for `encoder`: its options, padding, n-gram options and the words at ids
// below word_vocab_size(), in id order.
nlohmann::json inference_encoder_to_json(const text::TextEncoder& encoder);

// Reads a document written by inference_encoder_to_json into an encoder that gives the same ids
// for every text. The encoder has no real counts: each word gets count 1 and document_count is 0.
// Rejects missing, unknown and mistyped fields, a word_index that does not start with null and the
// OOV token (when set), duplicate words, and more entries than num_words. Throws InvalidArgument
// naming the JSON path, such as "/word_index/3".
text::TextEncoder inference_encoder_from_json(const nlohmann::json& j);

}  // namespace maas::io
