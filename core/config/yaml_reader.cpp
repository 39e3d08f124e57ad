#include "core/config/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <system_error>

namespace maas::config::detail {
namespace {

constexpr std::size_t kMaxShownValueLength = 60;

bool is_plain_scalar(const YAML::Node& node) { return node.IsScalar() && node.Tag() == "?"; }

std::string shorten(const std::string& text) {
  if (text.size() <= kMaxShownValueLength) return text;
  return text.substr(0, kMaxShownValueLength) + "...";
}

// A value as it would be written in double quotes, cut short for messages.
std::string quote(const std::string& text) { return yaml_double_quoted(shorten(text)); }

bool is_bool_text(std::string_view text) {
  return text == "true" || text == "True" || text == "TRUE" || text == "false" || text == "False" ||
         text == "FALSE";
}

// Parses the whole of `text` as a number of type T; YAML allows a leading '+'.
template <class T>
std::errc parse_number(std::string_view text, T& value) {
  if (text.starts_with('+')) text.remove_prefix(1);
  if (text.empty() || text.starts_with('+')) return std::errc::invalid_argument;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc()) return error;
  if (end != text.data() + text.size()) return std::errc::invalid_argument;
  return std::errc();
}

// True for decimal and exponent forms such as 5.0 and 1e3, including ones too large for a double.
bool looks_like_float(std::string_view text) {
  double value = 0.0;
  const bool has_digit =
      std::any_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  return has_digit && parse_number(text, value) != std::errc::invalid_argument;
}

std::string describe_int_range(std::int64_t min, std::int64_t max) {
  if (max == INT_MAX) return "an integer >= " + std::to_string(min);
  return "an integer from " + std::to_string(min) + " to " + std::to_string(max);
}

std::string format_bound(double value) {
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

std::string describe_bounds(const Bounds& bounds) {
  const bool has_min = std::isfinite(bounds.min);
  const bool has_max = std::isfinite(bounds.max);
  std::string text = "a number";
  if (has_min && has_max && bounds.min_inclusive && bounds.max_inclusive) {
    return text + " from " + format_bound(bounds.min) + " to " + format_bound(bounds.max);
  }
  if (has_min) text += (bounds.min_inclusive ? " >= " : " > ") + format_bound(bounds.min);
  if (has_min && has_max) text += " and";
  if (has_max) text += (bounds.max_inclusive ? " <= " : " < ") + format_bound(bounds.max);
  return text;
}

// YAML 1.2's spellings of infinity and not-a-number, which from_chars does not read.
bool is_yaml_non_finite(std::string_view text) {
  for (std::string_view spelling : {".inf", "+.inf", "-.inf", ".nan"}) {
    if (text.size() == spelling.size() &&
        std::equal(text.begin(), text.end(), spelling.begin(),
                   [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; })) {
      return true;
    }
  }
  return false;
}

bool within(double value, const Bounds& bounds) {
  const bool above_min = bounds.min_inclusive ? value >= bounds.min : value > bounds.min;
  const bool below_max = bounds.max_inclusive ? value <= bounds.max : value < bounds.max;
  return above_min && below_max;
}

// Levenshtein distance, for suggesting the key a typo was meant to be.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string join(std::span<const std::string_view> words) {
  std::string text;
  for (std::string_view word : words) {
    if (!text.empty()) text += ", ";
    text += word;
  }
  return text;
}

}  // namespace

std::string join_path(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return std::string(path) + "." + std::string(key);
}

std::string describe(const YAML::Node& node) {
  if (!node.IsDefined()) return "nothing";
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "null";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Scalar:
      if (is_plain_scalar(node)) return shorten(node.Scalar());
      return quote(node.Scalar()) + " (a quoted string)";
    default:
      return "nothing";
  }
}

Reader::Reader(Origin origin, Diagnostics& diagnostics, GivenKeys& given)
    : origin_(std::move(origin)), diagnostics_(diagnostics), given_(given) {}

Location Reader::locate(const YAML::Node& node) const {
  if (from_override()) return {"--set " + origin_.override_text, 0, 0, true};
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return {origin_.file_label};
  // yaml-cpp marks are 0-based; editors and compilers count lines and columns from 1.
  return {origin_.file_label + ":" + std::to_string(mark.line + 1) + ":" +
              std::to_string(mark.column + 1),
          mark.line + 1, mark.column + 1};
}

Location Reader::locate(const Entry& entry) const {
  if (entry.value.IsNull()) return locate(entry.key_node);
  return locate(entry.value);
}

void Reader::error(const Location& where, std::string_view path, std::string_view message) {
  diagnostics_.add(where, path, message);
}

void Reader::error(const Entry& entry, std::string_view message) {
  error(locate(entry), entry.path, message);
}

void Reader::reject(const Entry& entry, std::string_view expected) {
  std::string message = "expected " + std::string(expected) + ", got " + describe(entry.value);
  // A quoted "5" or "true" is a string in YAML. The hint names that cause, which is easy to miss.
  if (entry.value.IsScalar() && !is_plain_scalar(entry.value)) {
    const std::string& text = entry.value.Scalar();
    if (looks_like_float(text) || is_bool_text(text) || text == "null") {
      message += "; write numbers, true, false and null without quotes";
    }
  }
  error(entry, message);
}

void Reader::mark_given(const Entry& entry) {
  if (from_override() && !entry.value.IsMap()) diagnostics_.drop_file_errors(entry.path, false);
  mark_given(entry.path, locate(entry.key_node));
}

void Reader::mark_given(std::string_view path, const Location& where) {
  given_.insert_or_assign(std::string(path), where);
}

void Reader::forget_given(std::string_view path) {
  if (from_override()) diagnostics_.drop_file_errors(path, true);
  for (auto it = given_.begin(); it != given_.end();) {
    const std::string& key = it->first;
    const bool below =
        key.starts_with(path) &&
        (key.size() == path.size() || key[path.size()] == '.' || key[path.size()] == '[');
    it = below ? given_.erase(it) : std::next(it);
  }
}

std::vector<Entry> Reader::entries(const YAML::Node& map, std::string_view path) {
  std::vector<Entry> result;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node key_node = it->first;
    if (!key_node.IsScalar()) {
      error(locate(key_node), path, "expected a plain key, got " + describe(key_node));
      continue;
    }
    const std::string& key = key_node.Scalar();
    const auto first = std::find_if(result.begin(), result.end(),
                                    [&](const Entry& seen) { return seen.key == key; });
    if (first != result.end()) {
      std::string message = "duplicate key '" + key + "'";
      const YAML::Mark mark = first->key_node.Mark();
      if (!mark.is_null() && !from_override()) {
        message += ", first given on line " + std::to_string(mark.line + 1);
      }
      message += "; keep only one of them";
      error(locate(key_node), join_path(path, key), message);
      continue;
    }
    result.push_back(Entry{key, join_path(path, key), key_node, it->second});
  }
  return result;
}

void Reader::unknown_key(const Entry& entry, std::span<const std::string_view> accepted,
                         std::string_view noun) {
  std::string message = "unknown " + std::string(noun) + " '" + entry.key + "'";
  std::string_view closest;
  std::size_t closest_distance = 3;  // suggest only keys at most 2 edits away
  for (std::string_view key : accepted) {
    const std::size_t distance = edit_distance(entry.key, key);
    if (distance < closest_distance) {
      closest = key;
      closest_distance = distance;
    }
  }
  if (closest.empty()) {
    message += "; accepted: " + join(accepted);
  } else {
    message += "; did you mean '" + std::string(closest) + "'? Accepted: " + join(accepted);
  }
  error(locate(entry.key_node), entry.path, message);
}

std::optional<std::int64_t> Reader::read_int(const Entry& entry, std::int64_t min, std::int64_t max,
                                             std::string_view alternative) {
  std::string expected = describe_int_range(min, max);
  if (!alternative.empty()) expected += " or " + std::string(alternative);
  if (!is_plain_scalar(entry.value)) {
    reject(entry, expected);
    return std::nullopt;
  }
  const std::string& text = entry.value.Scalar();
  std::int64_t value = 0;
  const std::errc status = parse_number(text, value);
  if (status == std::errc::result_out_of_range || (status == std::errc() && value > max)) {
    error(entry, "got " + shorten(text) + ", which is out of range; expected an integer from " +
                     std::to_string(min) + " to " + std::to_string(max));
    return std::nullopt;
  }
  if (status != std::errc()) {
    if (looks_like_float(text)) {
      error(entry, "expected " + expected + ", got the floating-point number " + shorten(text) +
                       "; write a whole number without a decimal point or exponent");
    } else {
      reject(entry, expected);
    }
    return std::nullopt;
  }
  if (value < min) {
    reject(entry, expected);
    return std::nullopt;
  }
  return value;
}

std::optional<std::uint64_t> Reader::read_uint64(const Entry& entry) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  const std::string expected = "an integer from 0 to " + std::to_string(kMax);
  if (!is_plain_scalar(entry.value)) {
    reject(entry, expected);
    return std::nullopt;
  }
  const std::string& text = entry.value.Scalar();
  std::int64_t signed_value = 0;
  if (text.starts_with('-') && parse_number(text, signed_value) != std::errc::invalid_argument) {
    reject(entry, expected);  // a negative integer, however large
    return std::nullopt;
  }
  std::uint64_t value = 0;
  const std::errc status = parse_number(text, value);
  if (status == std::errc::result_out_of_range) {
    error(entry, "got " + shorten(text) + ", which is out of range; expected " + expected);
    return std::nullopt;
  }
  if (status != std::errc()) {
    if (looks_like_float(text)) {
      error(entry, "expected " + expected + ", got the floating-point number " + shorten(text) +
                       "; write a whole number without a decimal point or exponent");
    } else {
      reject(entry, expected);
    }
    return std::nullopt;
  }
  return value;
}

std::optional<double> Reader::read_double(const Entry& entry, const Bounds& bounds) {
  const std::string expected = describe_bounds(bounds);
  if (!is_plain_scalar(entry.value)) {
    reject(entry, expected);
    return std::nullopt;
  }
  const std::string& text = entry.value.Scalar();
  double value = 0.0;
  const std::errc status = parse_number(text, value);
  if (status == std::errc::result_out_of_range) {
    error(entry, "got " + shorten(text) + ", which is out of range; expected " + expected);
    return std::nullopt;
  }
  // from_chars accepts "inf" and "nan", and YAML spells them ".inf" and ".nan". No setting takes them.
  if ((status == std::errc() && !std::isfinite(value)) || is_yaml_non_finite(text)) {
    error(entry, "got " + shorten(text) + ", which is not a finite number; expected " + expected);
    return std::nullopt;
  }
  if (status != std::errc() || !within(value, bounds)) {
    reject(entry, expected);
    return std::nullopt;
  }
  return value;
}

std::optional<bool> Reader::read_bool(const Entry& entry) {
  if (!is_plain_scalar(entry.value) || !is_bool_text(entry.value.Scalar())) {
    reject(entry, "true or false");
    return std::nullopt;
  }
  return entry.value.Scalar()[0] == 't' || entry.value.Scalar()[0] == 'T';
}

std::optional<std::string> Reader::read_string(const Entry& entry, bool allow_empty) {
  const std::string expected = allow_empty ? "a string" : "a non-empty string";
  if (!entry.value.IsScalar()) {
    reject(entry, expected);
    return std::nullopt;
  }
  if (!allow_empty && entry.value.Scalar().empty()) {
    error(entry, "expected " + expected + ", got an empty string");
    return std::nullopt;
  }
  return entry.value.Scalar();
}

std::optional<std::string> Reader::read_enum(const Entry& entry,
                                             std::span<const std::string_view> accepted,
                                             bool ignore_case) {
  const std::string expected = "one of " + join(accepted);
  if (!entry.value.IsScalar()) {
    reject(entry, expected);
    return std::nullopt;
  }
  const std::string& text = entry.value.Scalar();
  const auto matches = [&](std::string_view name) {
    if (!ignore_case) return name == text;
    return std::equal(name.begin(), name.end(), text.begin(), text.end(), [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
  };
  const auto found = std::find_if(accepted.begin(), accepted.end(), matches);
  if (found == accepted.end()) {
    error(entry, "expected one of " + join(accepted) + ", got " + quote(text));
    return std::nullopt;
  }
  return std::string(*found);
}

std::optional<std::filesystem::path> Reader::read_path(const Entry& entry) {
  if (!entry.value.IsScalar()) {
    reject(entry, "a file or folder path");
    return std::nullopt;
  }
  const std::string& text = entry.value.Scalar();
  if (text.empty()) {
    error(entry, "expected a file or folder path, got an empty string");
    return std::nullopt;
  }
  if (text == "~" || text.starts_with("~/")) {
    error(entry,
          "got " + quote(text) + ", but maas does not expand ~; write the home folder out in full");
    return std::nullopt;
  }
  // operator/ keeps an absolute right-hand side as it is.
  return (origin_.base_dir / text).lexically_normal();
}

std::string yaml_double_quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char escape[8];
          std::snprintf(escape, sizeof escape, "\\x%02x", static_cast<unsigned char>(c));
          out += escape;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

}  // namespace maas::config::detail
