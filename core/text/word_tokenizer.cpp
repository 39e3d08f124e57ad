#include "core/text/word_tokenizer.h"

#include <algorithm>
#include <numeric>
#include <utility>

#include <fmt/format.h>

#include "core/common/error.h"
#include "core/text/json_fields.h"
#include "core/text/unicode.h"

namespace maas::text {
namespace {

// Re-throws an error about one text of a batch with that text's position.
[[noreturn]] void rethrow_for_text(const InvalidArgument& error, std::size_t index,
                                   std::size_t count) {
  throw InvalidArgument(fmt::format("text {} of {} (0-based): {}", index, count, error.what()));
}

TokenizerOptions validated(TokenizerOptions options) {
  validate_tokenizer_options(options);
  return options;
}

}  // namespace

WordTokenizer::WordTokenizer(TokenizerOptions options)
    : options_(validated(std::move(options))), splitter_(options_) {
  rebuild_word_index();
}

void WordTokenizer::fit_on_texts(const std::vector<std::string>& texts) {
  // Validating first leaves the counts untouched when any text is rejected.
  for (std::size_t i = 0; i < texts.size(); ++i) {
    try {
      validate_utf8(texts[i]);
    } catch (const InvalidArgument& error) {
      rethrow_for_text(error, i, texts.size());
    }
  }
  for (const std::string& text : texts) {
    ++document_count_;
    count_words(text);
  }
  rebuild_word_index();
}

void WordTokenizer::count_words(std::string_view text) {
  splitter_.for_each_token(text, [this](std::string_view word) {
    const auto it = count_positions_.find(word);
    if (it != count_positions_.end()) {
      ++word_counts_[it->second].count;
      return;
    }
    count_positions_.emplace(std::string(word), word_counts_.size());
    word_counts_.push_back({std::string(word), 1});
  });
}

void WordTokenizer::rebuild_word_index() {
  // Python's sort with reverse=True is stable, so equal counts keep first-occurrence order.
  std::vector<std::size_t> order(word_counts_.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
    return word_counts_[a].count > word_counts_[b].count;
  });

  index_word_.assign(1, std::string());
  word_index_.clear();
  word_index_.reserve(word_counts_.size() + 1);
  oov_index_.reset();
  if (options_.oov_token.has_value()) {
    oov_index_ = 1;
    index_word_.push_back(*options_.oov_token);
    word_index_.emplace(*options_.oov_token, 1);
  }
  for (const std::size_t position : order) {
    const std::string& word = word_counts_[position].word;
    if (options_.oov_token.has_value() && word == *options_.oov_token) {
      continue;
    }
    if (index_word_.size() >= static_cast<std::size_t>(std::numeric_limits<int32_t>::max())) {
      throw InvalidArgument(fmt::format(
          "vocabulary too large: expected fewer than {} distinct words, got {}; "
          "fit on fewer texts",
          std::numeric_limits<int32_t>::max(), word_counts_.size()));
    }
    word_index_.emplace(word, static_cast<int32_t>(index_word_.size()));
    index_word_.push_back(word);
  }

  id_limit_ = options_.num_words.value_or(std::numeric_limits<int32_t>::max());
}

std::vector<std::string> WordTokenizer::text_to_words(std::string_view text) const {
  std::vector<std::string> words;
  splitter_.for_each_token(text, [&words](std::string_view word) { words.emplace_back(word); });
  return words;
}

std::vector<int32_t> WordTokenizer::text_to_sequence(std::string_view text) const {
  std::vector<int32_t> ids;
  for_each_id(text, [&ids](int32_t id) { ids.push_back(id); });
  return ids;
}

std::vector<std::vector<int32_t>> WordTokenizer::texts_to_sequences(
    const std::vector<std::string>& texts) const {
  std::vector<std::vector<int32_t>> sequences;
  sequences.reserve(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    try {
      sequences.push_back(text_to_sequence(texts[i]));
    } catch (const InvalidArgument& error) {
      rethrow_for_text(error, i, texts.size());
    }
  }
  return sequences;
}

int WordTokenizer::vocab_size() const {
  const auto entries = static_cast<int>(index_word_.size());
  if (options_.num_words.has_value() && *options_.num_words < entries) {
    return *options_.num_words;
  }
  return entries;
}

std::optional<int32_t> WordTokenizer::index_of(std::string_view word) const {
  const auto it = word_index_.find(word);
  if (it == word_index_.end()) {
    return std::nullopt;
  }
  return it->second;
}

nlohmann::json WordTokenizer::to_json() const {
  nlohmann::json counts = nlohmann::json::array();
  for (const WordCount& entry : word_counts_) {
    counts.push_back(nlohmann::json::array({entry.word, entry.count}));
  }
  nlohmann::json index = nlohmann::json::array({nullptr});
  for (std::size_t i = 1; i < index_word_.size(); ++i) {
    index.push_back(index_word_[i]);
  }

  nlohmann::json j = nlohmann::json::object();
  j["format"] = kWordTokenizerFormat;
  j["version"] = kWordTokenizerVersion;
  j["options"] = tokenizer_options_to_json(options_);
  j["document_count"] = document_count_;
  j["word_counts"] = std::move(counts);
  j["word_index"] = std::move(index);
  return j;
}

WordTokenizer WordTokenizer::from_json(const nlohmann::json& j, std::string_view json_path) {
  using json_fields::child_path;
  using json_fields::fail;
  json_fields::require_exact_keys(
      j, json_path,
      {"format", "version", "options", "document_count", "word_counts", "word_index"});
  json_fields::require_format(j, json_path, kWordTokenizerFormat, kWordTokenizerVersion);

  WordTokenizer tokenizer(
      tokenizer_options_from_json(j.at("options"), child_path(json_path, "options")));
  tokenizer.document_count_ =
      json_fields::read_integer(j.at("document_count"), child_path(json_path, "document_count"),
                                0, std::numeric_limits<int64_t>::max());

  const std::string counts_path = child_path(json_path, "word_counts");
  const nlohmann::json& counts = j.at("word_counts");
  if (!counts.is_array()) {
    fail(counts_path, "an array of [word, count] pairs", json_fields::describe(counts),
         "write the array that to_json() produces");
  }
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const std::string entry_path = child_path(counts_path, i);
    const nlohmann::json& entry = counts[i];
    if (!entry.is_array() || entry.size() != 2) {
      fail(entry_path, "a [word, count] pair", json_fields::describe(entry),
           "write a two-element array such as [\"game\", 3]");
    }
    const std::string word_path = child_path(entry_path, std::size_t{0});
    std::string word = json_fields::read_string(entry[0], word_path);
    try {
      validate_utf8(word);
    } catch (const InvalidArgument& error) {
      fail(word_path, "a UTF-8 string", error.what(), "re-encode the word as UTF-8");
    }
    const int64_t count = json_fields::read_integer(
        entry[1], child_path(entry_path, std::size_t{1}), 1, std::numeric_limits<int64_t>::max());
    if (tokenizer.count_positions_.contains(word)) {
      fail(word_path, "a word not listed before", fmt::format("a second \"{}\"", word),
           "merge the duplicate entries by adding their counts");
    }
    tokenizer.count_positions_.emplace(word, tokenizer.word_counts_.size());
    tokenizer.word_counts_.push_back({std::move(word), count});
  }
  tokenizer.rebuild_word_index();

  // word_index is derived data. Comparing it catches documents edited by hand or written by a
  // tokenizer with other ordering rules, which would silently change a trained model's ids.
  const std::string index_path = child_path(json_path, "word_index");
  const nlohmann::json& index = j.at("word_index");
  if (!index.is_array() || index.empty() || !index[0].is_null()) {
    fail(index_path, "an array that starts with null (padding index 0)",
         json_fields::describe(index), "write the array that to_json() produces");
  }
  const std::vector<std::string>& expected = tokenizer.index_word_;
  const std::size_t common = std::min(index.size(), expected.size());
  for (std::size_t i = 1; i < common; ++i) {
    const std::string entry_path = child_path(index_path, i);
    const std::string word = json_fields::read_string(index[i], entry_path);
    if (word != expected[i]) {
      fail(entry_path,
           fmt::format("\"{}\", the word that word_counts and options put at index {}",
                       expected[i], i),
           fmt::format("\"{}\"", word),
           "keep word_index as to_json() wrote it, or fix word_counts to match it");
    }
  }
  if (index.size() != expected.size()) {
    fail(index_path,
         fmt::format("{} entries (null, then one per indexed word of word_counts)",
                     expected.size()),
         fmt::format("{} entries", index.size()),
         "keep word_index as to_json() wrote it, or fix word_counts to match it");
  }
  return tokenizer;
}

}  // namespace maas::text
