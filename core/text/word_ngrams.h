#pragma once
// Hashed word n-grams in the manner of fastText's -wordNgrams and -bucket: every window of 2..n
// adjacent words is hashed into one of `buckets` ids that follow the word vocabulary.
//
// The hash is FNV-1a 64 (offset basis 0xcbf29ce484222325, prime 0x100000001b3) over the UTF-8
// bytes of the window's words with one 0xFF byte between adjacent words, taken modulo
// `buckets`. 0xFF never occurs in UTF-8, so no two different windows give the same byte string,
// and the result depends only on the bytes, so every machine computes the same ids.
// The hash is fixed: a model stores "hash": "fnv1a64", and a new scheme needs a new name.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <nlohmann/json.hpp>

namespace maas::text {

inline constexpr std::string_view kNgramHash = "fnv1a64";
// fastText's -wordNgrams is unbounded. This bound is a choice that catches typos such as 22,
// and it keeps the window a fixed-size array.
inline constexpr int kMaxNgramOrder = 5;
// Five times fastText's default -bucket (2,000,000). At 64 dimensions, 10M rows take 2.56 GB of
// float32 weights and twice that again for Adam's moments.
inline constexpr int kMaxNgramBuckets = 10'000'000;
// fastText's default -bucket.
inline constexpr int kDefaultNgramBuckets = 2'000'000;

struct NgramOptions {
  // Maximum window length in words. 1 turns n-grams off.
  int order = 1;
  // Number of hash buckets; unused when order is 1.
  int buckets = kDefaultNgramBuckets;

  bool enabled() const { return order > 1; }
  bool operator==(const NgramOptions&) const = default;
};

// Throws InvalidArgument unless order is in [1, kMaxNgramOrder] and, with order > 1, buckets is
// in [1, kMaxNgramBuckets]. The message names the option and the valid range.
void validate_ngram_options(const NgramOptions& options);

// {"n": 2, "buckets": 2000000, "hash": "fnv1a64"}
nlohmann::json ngram_options_to_json(const NgramOptions& options);

// Reads the object written by ngram_options_to_json, with the checks of validate_ngram_options
// and n >= 2 (a document with n-grams off omits the object). Errors name the JSON path below
// `json_path`.
NgramOptions ngram_options_from_json(const nlohmann::json& j, std::string_view json_path);

inline constexpr std::uint64_t kFnv1a64Offset = 0xcbf29ce484222325ULL;
inline constexpr std::uint64_t kFnv1a64Prime = 0x100000001b3ULL;

// FNV-1a 64 of `bytes`, continuing from `state` (the offset basis starts a new hash).
constexpr std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t state = kFnv1a64Offset) {
  for (const char c : bytes) {
    state ^= static_cast<unsigned char>(c);
    state *= kFnv1a64Prime;
  }
  return state;
}

// Bucket of the n-gram made of `words` in order, in [0, buckets): the hash described at the top
// of this file. `words` must not be empty and buckets must be >= 1.
std::uint32_t ngram_bucket(std::span<const std::string_view> words, int buckets);

// The last order - 1 words seen, which turns a stream of words into n-gram ids. The views must
// stay valid until the next push (WordSplitter::for_each_token keeps them valid for the whole
// text). One window serves one text.
class NgramWindow {
 public:
  // Ids are first_id + bucket, so first_id is the word vocabulary size.
  NgramWindow(const NgramOptions& options, std::int32_t first_id)
      : order_(options.order), buckets_(options.buckets), first_id_(first_id) {}

  // Adds `word` and calls on_id(int32_t) for each n-gram that ends with it: the bigram, then
  // the trigram and so on up to the order, for as many as the words seen so far allow.
  template <typename OnId>
  void push(std::string_view word, OnId&& on_id) {
    if (order_ < 2) {
      return;
    }
    // words_[0, count_) are the latest words, oldest first, and the window keeps at most order_.
    if (count_ == static_cast<std::size_t>(order_)) {
      for (std::size_t i = 1; i < count_; ++i) words_[i - 1] = words_[i];
      --count_;
    }
    words_[count_++] = word;
    for (std::size_t n = 2; n <= count_; ++n) {
      const std::span<const std::string_view> ngram(words_.data() + (count_ - n), n);
      on_id(first_id_ + static_cast<std::int32_t>(ngram_bucket(ngram, buckets_)));
    }
  }

 private:
  int order_;
  int buckets_;
  std::int32_t first_id_;
  std::array<std::string_view, kMaxNgramOrder> words_{};
  std::size_t count_ = 0;
};

}  // namespace maas::text
