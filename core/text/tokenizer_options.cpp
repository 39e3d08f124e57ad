#include "core/text/tokenizer_options.h"

#include <limits>

#include <fmt/format.h>

#include "core/common/error.h"
#include "core/text/json_fields.h"
#include "core/text/unicode.h"

namespace maas::text {
namespace {

// Names an option as a JSON pointer when the options came from JSON, else by its field name.
std::string field_name(std::optional<std::string_view> json_path, std::string_view key) {
  return json_path.has_value() ? json_fields::child_path(*json_path, key) : std::string(key);
}

// Re-throws a UTF-8 error with the name of the option that contains the bad bytes.
void validate_option_utf8(std::string_view value, std::optional<std::string_view> json_path,
                          std::string_view key) {
  try {
    validate_utf8(value);
  } catch (const InvalidArgument& error) {
    throw InvalidArgument(fmt::format("invalid tokenizer option {}: {}",
                                      field_name(json_path, key), error.what()));
  }
}

void validate_options_at(const TokenizerOptions& options,
                         std::optional<std::string_view> json_path) {
  if (options.num_words.has_value()) {
    // Index 0 is padding, so num_words 1 keeps no word at all. With an OOV token, index 1
    // must itself be below num_words, or every unknown word would get an out-of-range id.
    const int min_words = options.oov_token.has_value() ? 2 : 1;
    if (*options.num_words < min_words) {
      throw InvalidArgument(fmt::format(
          "invalid tokenizer option {}: expected an integer >= {}{}, got {}; "
          "set a larger num_words, or leave it unset (null) to keep every word",
          field_name(json_path, "num_words"), min_words,
          options.oov_token.has_value() ? " when oov_token is set" : "", *options.num_words));
    }
  }
  if (options.split.empty()) {
    throw InvalidArgument(fmt::format(
        "invalid tokenizer option {}: expected a non-empty separator, got \"\"; "
        "use \" \" (the Keras default) or another non-empty string",
        field_name(json_path, "split")));
  }
  validate_option_utf8(options.filters, json_path, "filters");
  validate_option_utf8(options.split, json_path, "split");
  if (options.oov_token.has_value()) {
    validate_option_utf8(*options.oov_token, json_path, "oov_token");
  }
}

}  // namespace

void validate_tokenizer_options(const TokenizerOptions& options) {
  validate_options_at(options, std::nullopt);
}

nlohmann::json tokenizer_options_to_json(const TokenizerOptions& options) {
  nlohmann::json j = nlohmann::json::object();
  j["num_words"] = options.num_words.has_value() ? nlohmann::json(*options.num_words) : nullptr;
  j["filters"] = options.filters;
  j["lower"] = options.lower;
  j["split"] = options.split;
  j["char_level"] = options.char_level;
  j["oov_token"] = options.oov_token.has_value() ? nlohmann::json(*options.oov_token) : nullptr;
  j["split_cjk"] = options.split_cjk;
  return j;
}

TokenizerOptions tokenizer_options_from_json(const nlohmann::json& j, std::string_view json_path) {
  using json_fields::child_path;
  json_fields::require_exact_keys(
      j, json_path,
      {"num_words", "filters", "lower", "split", "char_level", "oov_token", "split_cjk"});

  TokenizerOptions options;
  const nlohmann::json& num_words = j.at("num_words");
  if (!num_words.is_null()) {
    options.num_words = static_cast<int>(json_fields::read_integer(
        num_words, child_path(json_path, "num_words"), 1, std::numeric_limits<int>::max()));
  }
  options.filters = json_fields::read_string(j.at("filters"), child_path(json_path, "filters"));
  options.lower = json_fields::read_bool(j.at("lower"), child_path(json_path, "lower"));
  options.split = json_fields::read_string(j.at("split"), child_path(json_path, "split"));
  options.char_level =
      json_fields::read_bool(j.at("char_level"), child_path(json_path, "char_level"));
  const nlohmann::json& oov_token = j.at("oov_token");
  if (!oov_token.is_null()) {
    options.oov_token = json_fields::read_string(oov_token, child_path(json_path, "oov_token"));
  }
  options.split_cjk = json_fields::read_bool(j.at("split_cjk"), child_path(json_path, "split_cjk"));

  validate_options_at(options, json_path);
  return options;
}

}  // namespace maas::text
