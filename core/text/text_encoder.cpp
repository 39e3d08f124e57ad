#include "core/text/text_encoder.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "core/common/error.h"
#include "core/text/json_fields.h"

namespace maas::text {
namespace {

bool is_valid_pad_value(int32_t value, int vocab_size) { return value >= 0 && value < vocab_size; }

}  // namespace

TextEncoder::TextEncoder(WordTokenizer tokenizer, PadOptions padding)
    : tokenizer_(std::move(tokenizer)), padding_(padding) {
  validate_pad_options(padding_);
  if (!is_valid_pad_value(padding_.value, tokenizer_.vocab_size())) {
    throw InvalidArgument(fmt::format(
        "invalid padding value {}: expected an id in [0, {}) (the tokenizer's vocab_size); "
        "use 0, the id Keras and maas reserve for padding",
        padding_.value, tokenizer_.vocab_size()));
  }
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
    tokenizer_.for_each_id(text, [&](int32_t id) {
      if (count < length) {
        dst[count] = id;
      }
      ++count;
    });
  } else {
    // dst is a ring buffer that ends up holding the last `length` ids.
    tokenizer_.for_each_id(text, [&](int32_t id) {
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
  j["version"] = kTextEncoderVersion;
  j["tokenizer"] = tokenizer_.to_json();
  j["padding"] = pad_options_to_json(padding_);
  return j;
}

TextEncoder TextEncoder::from_json(const nlohmann::json& j, std::string_view json_path) {
  using json_fields::child_path;
  json_fields::require_exact_keys(j, json_path, {"format", "version", "tokenizer", "padding"});
  json_fields::require_format(j, json_path, kTextEncoderFormat, kTextEncoderVersion);

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
  return TextEncoder(std::move(tokenizer), padding);
}

}  // namespace maas::text
