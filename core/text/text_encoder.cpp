#include "core/text/text_encoder.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include "core/common/error.h"
#include "core/text/json_fields.h"

namespace maas::text {
namespace {

bool is_valid_pad_value(int32_t value, int vocab_size) { return value >= 0 && value < vocab_size; }

}  // namespace

TextEncoder::TextEncoder(WordTokenizer tokenizer, PadOptions padding, NgramOptions ngrams)
    : tokenizer_(std::move(tokenizer)), padding_(padding), ngrams_(ngrams) {
  validate_pad_options(padding_);
  validate_ngram_options(ngrams_);
  if (ngrams_.enabled() && std::int64_t{tokenizer_.vocab_size()} + ngrams_.buckets >
                               std::numeric_limits<int32_t>::max()) {
    throw InvalidArgument(fmt::format(
        "invalid n-gram bucket count {}: with {} word ids the ids would pass the int32 range; "
        "lower ngram_buckets or num_words",
        ngrams_.buckets, tokenizer_.vocab_size()));
  }
  if (!is_valid_pad_value(padding_.value, tokenizer_.vocab_size())) {
    throw InvalidArgument(fmt::format(
        "invalid padding value {}: expected an id in [0, {}) (the tokenizer's vocab_size); "
        "use 0, the id Keras and maas reserve for padding",
        padding_.value, tokenizer_.vocab_size()));
  }
}

int TextEncoder::vocab_size() const {
  return tokenizer_.vocab_size() + (ngrams_.enabled() ? ngrams_.buckets : 0);
}

template <typename OnId>
void TextEncoder::for_each_id(std::string_view text, OnId&& on_id) const {
  if (!ngrams_.enabled()) {
    tokenizer_.for_each_id(text, on_id);
    return;
  }
  NgramWindow window(ngrams_, tokenizer_.vocab_size());
  tokenizer_.for_each_word(text, [&](std::string_view word, int32_t id) {
    if (id != WordTokenizer::kDroppedWord) {
      on_id(id);
    }
    window.push(word, on_id);
  });
}

std::vector<int32_t> TextEncoder::encode(std::string_view text) const {
  std::vector<int32_t> ids(static_cast<std::size_t>(padding_.max_length));
  encode_into(text, ids.data());
  return ids;
}

void TextEncoder::encode_into(std::string_view text, int32_t* dst) const {
  const auto length = static_cast<std::size_t>(padding_.max_length);
  std::size_t count = 0;

  // The tokenizer normalizes the whole text before it emits the first id, so an invalid text
  // throws before dst is touched.
  if (padding_.truncating == PadSide::kPost) {
    for_each_id(text, [&](int32_t id) {
      if (count < length) {
        dst[count] = id;
      }
      ++count;
    });
  } else {
    // dst is a ring buffer that ends up holding the last `length` ids.
    for_each_id(text, [&](int32_t id) {
      dst[count % length] = id;
      ++count;
    });
    if (count > length) {
      std::rotate(dst, dst + count % length, dst + length);
    }
  }
  if (count >= length) {
    return;
  }

  if (padding_.padding == PadSide::kPre) {
    std::copy_backward(dst, dst + count, dst + length);
    std::fill(dst, dst + (length - count), padding_.value);
  } else {
    std::fill(dst + count, dst + length, padding_.value);
  }
}

std::vector<int32_t> TextEncoder::encode_batch(const std::vector<std::string>& texts) const {
  const auto length = static_cast<std::size_t>(padding_.max_length);
  std::vector<int32_t> ids(texts.size() * length);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    try {
      encode_into(texts[i], ids.data() + i * length);
    } catch (const InvalidArgument& error) {
      throw InvalidArgument(
          fmt::format("text {} of {} (0-based): {}", i, texts.size(), error.what()));
    }
  }
  return ids;
}

nlohmann::json TextEncoder::to_json() const {
  nlohmann::json j = nlohmann::json::object();
  j["format"] = kTextEncoderFormat;
  j["version"] = ngrams_.enabled() ? kTextEncoderVersion : 1;
  j["tokenizer"] = tokenizer_.to_json();
  j["padding"] = pad_options_to_json(padding_);
  if (ngrams_.enabled()) {
    j["ngrams"] = ngram_options_to_json(ngrams_);
  }
  return j;
}

TextEncoder TextEncoder::from_json(const nlohmann::json& j, std::string_view json_path) {
  using json_fields::child_path;
  const int64_t version =
      json_fields::require_format(j, json_path, kTextEncoderFormat, 1, kTextEncoderVersion);
  if (version == 1) {
    json_fields::require_exact_keys(j, json_path, {"format", "version", "tokenizer", "padding"});
  } else {
    json_fields::require_exact_keys(j, json_path,
                                    {"format", "version", "tokenizer", "padding", "ngrams"});
  }

  WordTokenizer tokenizer =
      WordTokenizer::from_json(j.at("tokenizer"), child_path(json_path, "tokenizer"));
  const std::string padding_path = child_path(json_path, "padding");
  const PadOptions padding = pad_options_from_json(j.at("padding"), padding_path);
  if (!is_valid_pad_value(padding.value, tokenizer.vocab_size())) {
    json_fields::fail(child_path(padding_path, "value"),
                      fmt::format("an id in [0, {}) (the tokenizer's vocab_size)",
                                  tokenizer.vocab_size()),
                      fmt::format("{}", padding.value), "use 0, the id reserved for padding");
  }
  const NgramOptions ngrams = version == 1 ? NgramOptions{}
                                           : ngram_options_from_json(
                                                 j.at("ngrams"), child_path(json_path, "ngrams"));
  return TextEncoder(std::move(tokenizer), padding, ngrams);
}

}  // namespace maas::text
