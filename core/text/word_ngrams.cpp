#include "core/text/word_ngrams.h"

#include <fmt/format.h>

#include "core/common/error.h"
#include "core/text/json_fields.h"

namespace maas::text {
namespace {

// Separator byte between the words of one window: it never occurs in valid UTF-8.
constexpr std::string_view kWordSeparator = "\xFF";

}  // namespace

void validate_ngram_options(const NgramOptions& options) {
  if (options.order < 1 || options.order > kMaxNgramOrder) {
    throw InvalidArgument(fmt::format(
        "invalid n-gram order {}: expected an integer from 1 (n-grams off) to {}; use 2 for "
        "word bigrams",
        options.order, kMaxNgramOrder));
  }
  if (options.enabled() && (options.buckets < 1 || options.buckets > kMaxNgramBuckets)) {
    throw InvalidArgument(fmt::format(
        "invalid n-gram bucket count {}: expected an integer from 1 to {} when the order is {}; "
        "use {} (fastText's default) or fewer",
        options.buckets, kMaxNgramBuckets, options.order, kDefaultNgramBuckets));
  }
}

nlohmann::json ngram_options_to_json(const NgramOptions& options) {
  return {{"n", options.order}, {"buckets", options.buckets}, {"hash", kNgramHash}};
}

NgramOptions ngram_options_from_json(const nlohmann::json& j, std::string_view json_path) {
  using json_fields::child_path;
  json_fields::require_exact_keys(j, json_path, {"n", "buckets", "hash"});
  const std::string hash_path = child_path(json_path, "hash");
  const std::string hash = json_fields::read_string(j.at("hash"), hash_path);
  if (hash != kNgramHash) {
    throw Unsupported(fmt::format(
        "unsupported n-gram hash at {}: expected \"{}\", got \"{}\"; upgrade maas to read it",
        hash_path, kNgramHash, hash));
  }
  NgramOptions options;
  options.order = static_cast<int>(
      json_fields::read_integer(j.at("n"), child_path(json_path, "n"), 2, kMaxNgramOrder));
  options.buckets = static_cast<int>(json_fields::read_integer(
      j.at("buckets"), child_path(json_path, "buckets"), 1, kMaxNgramBuckets));
  return options;
}

std::uint32_t ngram_bucket(std::span<const std::string_view> words, int buckets) {
  std::uint64_t hash = fnv1a64(words[0]);
  for (std::size_t i = 1; i < words.size(); ++i) {
    hash = fnv1a64(words[i], fnv1a64(kWordSeparator, hash));
  }
  return static_cast<std::uint32_t>(hash % static_cast<std::uint64_t>(buckets));
}

}  // namespace maas::text
