#include "core/text/padding.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "core/common/error.h"
#include "core/text/json_fields.h"

namespace maas::text {

PadSide parse_pad_side(std::string_view text) {
  if (text == "pre") {
    return PadSide::kPre;
  }
  if (text == "post") {
    return PadSide::kPost;
  }
  throw InvalidArgument(
      fmt::format("invalid pad side \"{}\": expected \"pre\" or \"post\"; use one of those "
                  "lowercase words",
                  text));
}

std::string_view to_string(PadSide side) { return side == PadSide::kPre ? "pre" : "post"; }

void validate_pad_options(const PadOptions& options) {
  if (options.max_length < 1) {
    throw InvalidArgument(fmt::format(
        "invalid padding max_length {}: expected an integer >= 1; set the number of ids each "
        "padded sequence holds",
        options.max_length));
  }
}

void pad_sequence_into(const int32_t* ids, std::size_t count, const PadOptions& options,
                       int32_t* dst) {
  validate_pad_options(options);
  const auto length = static_cast<std::size_t>(options.max_length);
  if (count >= length) {
    const int32_t* first = options.truncating == PadSide::kPre ? ids + (count - length) : ids;
    std::copy(first, first + length, dst);
    return;
  }
  const std::size_t padding = length - count;
  if (options.padding == PadSide::kPre) {
    std::fill(dst, dst + padding, options.value);
    std::copy(ids, ids + count, dst + padding);
  } else {
    std::copy(ids, ids + count, dst);
    std::fill(dst + count, dst + length, options.value);
  }
}

std::vector<int32_t> pad_sequence(const std::vector<int32_t>& ids, const PadOptions& options) {
  validate_pad_options(options);
  std::vector<int32_t> padded(static_cast<std::size_t>(options.max_length));
  pad_sequence_into(ids.data(), ids.size(), options, padded.data());
  return padded;
}

nlohmann::json pad_options_to_json(const PadOptions& options) {
  nlohmann::json j = nlohmann::json::object();
  j["max_length"] = options.max_length;
  j["padding"] = to_string(options.padding);
  j["truncating"] = to_string(options.truncating);
  j["value"] = options.value;
  return j;
}

PadOptions pad_options_from_json(const nlohmann::json& j, std::string_view json_path) {
  using json_fields::child_path;
  json_fields::require_exact_keys(j, json_path, {"max_length", "padding", "truncating", "value"});

  // Reads a pad side, naming the field's path in the error.
  const auto read_side = [&](std::string_view key) {
    const std::string path = child_path(json_path, key);
    const std::string text = json_fields::read_string(j.at(key), path);
    if (text != "pre" && text != "post") {
      json_fields::fail(path, "\"pre\" or \"post\"", fmt::format("\"{}\"", text),
                        "use one of those lowercase words");
    }
    return parse_pad_side(text);
  };

  PadOptions options;
  options.max_length = static_cast<int>(json_fields::read_integer(
      j.at("max_length"), child_path(json_path, "max_length"), 1,
      std::numeric_limits<int>::max()));
  options.padding = read_side("padding");
  options.truncating = read_side("truncating");
  options.value = static_cast<int32_t>(json_fields::read_integer(
      j.at("value"), child_path(json_path, "value"), std::numeric_limits<int32_t>::min(),
      std::numeric_limits<int32_t>::max()));
  return options;
}

}  // namespace maas::text
