#pragma once
// Word tokenizer with the semantics and defaults of Keras 2's
// tf.keras.preprocessing.text.Tokenizer (fit_on_texts, texts_to_sequences, word_index), plus
// the split_cjk option described in tokenizer_options.h.
//
// Thread safety: const methods only read, so after fitting one tokenizer may encode from many
// threads at once. fit_on_texts must not run concurrently with any other call.

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/text/tokenizer_options.h"
#include "core/text/word_splitter.h"

namespace maas::text {

inline constexpr std::string_view kWordTokenizerFormat = "maas.word_tokenizer";
inline constexpr int64_t kWordTokenizerVersion = 1;

// How often a word occurred in the texts passed to fit_on_texts.
struct WordCount {
  std::string word;
  int64_t count = 0;

  bool operator==(const WordCount&) const = default;
};

class WordTokenizer {
 public:
  // Throws InvalidArgument when the options fail validate_tokenizer_options.
  explicit WordTokenizer(TokenizerOptions options = {});

  // Counts the words of `texts` and rebuilds word_index from all counts so far, as Keras does:
  // index 1 is the OOV token when set, then words by descending count, ties in order of first
  // occurrence. Index 0 stays reserved for padding. Throws InvalidArgument naming the text and
  // byte offset of invalid UTF-8, before anything is counted.
  //
  // One deviation from Keras: a word equal to oov_token is not given a second index; it
  // encodes as the OOV index. Keras would move the token's index and leave index 1 unused.
  void fit_on_texts(const std::vector<std::string>& texts);

  // Tokens of `text` after lowercasing, filtering, split_cjk and splitting, before any
  // vocabulary lookup (Keras' text_to_word_sequence, or its characters with char_level).
  std::vector<std::string> text_to_words(std::string_view text) const;

  // Ids of the words of `text`. A word whose index is >= num_words, or that is unknown, becomes
  // the OOV index when oov_token is set and is dropped otherwise. Every id is in
  // [1, vocab_size()). Throws InvalidArgument naming the byte offset of invalid UTF-8.
  std::vector<int32_t> text_to_sequence(std::string_view text) const;
  std::vector<std::vector<int32_t>> texts_to_sequences(const std::vector<std::string>& texts) const;

  // Calls on_id(int32_t) for each id text_to_sequence would return, without building a vector.
  template <typename OnId>
  void for_each_id(std::string_view text, OnId&& on_id) const {
    for_each_word(text, [&](std::string_view, int32_t id) {
      if (id != kDroppedWord) {
        on_id(id);
      }
    });
  }

  // Id of a word that text_to_sequence drops (unknown or cut by num_words, without oov_token).
  static constexpr int32_t kDroppedWord = -1;

  // Calls on_word(std::string_view word, int32_t id) for every word of text_to_words(text) in
  // order, with the id text_to_sequence gives it or kDroppedWord. The views are valid for the
  // whole call.
  template <typename OnWord>
  void for_each_word(std::string_view text, OnWord&& on_word) const {
    splitter_.for_each_token(text, [&](std::string_view token) {
      const auto it = word_index_.find(token);
      if (it != word_index_.end() && it->second < id_limit_) {
        on_word(token, it->second);
      } else {
        on_word(token, oov_index_.value_or(kDroppedWord));
      }
    });
  }

  // Number of rows an embedding needs for the ids this tokenizer emits: num_words when set and
  // smaller than word_index size + 1, else word_index size + 1 (the +1 is padding index 0).
  // 1 before fitting, or 2 with an OOV token.
  int vocab_size() const;

  const TokenizerOptions& options() const { return options_; }

  // Word at each index: index_word()[i] has index i. Entry 0 is empty (padding), entry 1 is
  // the OOV token when set. Ignores num_words, like Keras' index_word.
  const std::vector<std::string>& index_word() const { return index_word_; }

  // Index of `word` in word_index (ignoring num_words), or nullopt when it has none.
  std::optional<int32_t> index_of(std::string_view word) const;

  // 1 when oov_token is set, else nullopt.
  std::optional<int32_t> oov_index() const { return oov_index_; }

  // Word counts in order of first occurrence (Keras' word_counts).
  const std::vector<WordCount>& word_counts() const { return word_counts_; }

  // Number of texts passed to fit_on_texts so far.
  int64_t document_count() const { return document_count_; }

  // Versioned JSON document:
  //   {"format": "maas.word_tokenizer", "version": 1, "options": {...},
  //    "document_count": N, "word_counts": [[word, count], ...] (first-occurrence order),
  //    "word_index": [null, word at index 1, word at index 2, ...]}
  // Position i of word_index contains the word with index i, and position 0 is null (padding).
  nlohmann::json to_json() const;

  // Reads a document written by to_json. Rejects missing, unknown and mistyped fields, a newer
  // version (Unsupported), duplicate words and a word_index that differs from the order the
  // word counts give, naming the JSON path (e.g. "/word_index/3"). `json_path` is where `j`
  // sits in a larger document, such as "/tokenizer"; it prefixes every path in messages.
  static WordTokenizer from_json(const nlohmann::json& j, std::string_view json_path = "");

 private:
  // Hash for heterogeneous lookup, so a std::string_view token finds a std::string key.
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept {
      return std::hash<std::string_view>{}(text);
    }
  };
  template <typename Value>
  using StringMap = std::unordered_map<std::string, Value, StringHash, std::equal_to<>>;

  void count_words(std::string_view text);
  void rebuild_word_index();

  TokenizerOptions options_;
  WordSplitter splitter_;
  int64_t document_count_ = 0;
  std::vector<WordCount> word_counts_;
  StringMap<std::size_t> count_positions_;  // word -> position in word_counts_
  std::vector<std::string> index_word_{std::string()};
  StringMap<int32_t> word_index_;
  std::optional<int32_t> oov_index_;
  // Ids at or above this limit are cut by num_words.
  int32_t id_limit_ = std::numeric_limits<int32_t>::max();
};

}  // namespace maas::text
