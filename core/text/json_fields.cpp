#include "core/text/json_fields.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/common/error.h"

namespace maas::text::json_fields {
namespace {

constexpr std::size_t kMaxQuotedLength = 40;

std::string path_or_root(std::string_view path) {
  return path.empty() ? std::string("the document root") : std::string(path);
}

}  // namespace

void fail(std::string_view path, std::string_view expected, std::string_view got,
          std::string_view fix) {
  throw InvalidArgument(fmt::format("invalid JSON value at {}: expected {}, got {}; {}",
                                    path_or_root(path), expected, got, fix));
}

void fail_missing(std::string_view path, std::string_view key) {
  throw InvalidArgument(fmt::format("missing JSON field at {}: add \"{}\" as to_json() writes it",
                                    child_path(path, key), key));
}

std::string describe(const nlohmann::json& value) {
  if (value.is_object() || value.is_array()) {
    return fmt::format("{} with {} entries", value.type_name(), value.size());
  }
  // Replacing invalid UTF-8 keeps dump() from throwing while an error is being reported.
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > kMaxQuotedLength) {
    text = text.substr(0, kMaxQuotedLength) + "...";
  }
  return fmt::format("{} {}", value.type_name(), text);
}

std::string child_path(std::string_view path, std::string_view key) {
  // JSON Pointer (RFC 6901) escapes '~' as "~0" and '/' as "~1".
  std::string result(path);
  result += '/';
  for (const char c : key) {
    if (c == '~') {
      result += "~0";
    } else if (c == '/') {
      result += "~1";
    } else {
      result += c;
    }
  }
  return result;
}

std::string child_path(std::string_view path, std::size_t index) {
  return fmt::format("{}/{}", path, index);
}

void require_exact_keys(const nlohmann::json& j, std::string_view path,
                        std::initializer_list<std::string_view> keys) {
  if (!j.is_object()) {
    fail(path, "an object", describe(j), "write the object that to_json() produces");
  }
  for (const std::string_view key : keys) {
    if (!j.contains(key)) {
      fail_missing(path, key);
    }
  }
  for (const auto& item : j.items()) {
    const bool known = std::find(keys.begin(), keys.end(), item.key()) != keys.end();
    if (!known) {
      fail(child_path(path, item.key()), fmt::format("one of the fields {}", fmt::join(keys, ", ")),
           fmt::format("an unknown field \"{}\"", item.key()), "remove or rename the field");
    }
  }
}

void require_format(const nlohmann::json& j, std::string_view path, std::string_view format,
                    int64_t version) {
  require_format(j, path, format, version, version);
}

int64_t require_format(const nlohmann::json& j, std::string_view path, std::string_view format,
                       int64_t min_version, int64_t max_version) {
  const std::string format_path = child_path(path, "format");
  const std::string found_format = read_string(field(j, path, "format"), format_path);
  if (found_format != format) {
    fail(format_path, fmt::format("\"{}\"", format), fmt::format("\"{}\"", found_format),
         "pass a document of this kind");
  }
  const std::string version_path = child_path(path, "version");
  const int64_t found_version = read_integer(field(j, path, "version"), version_path, 1, INT64_MAX);
  if (found_version > max_version) {
    throw Unsupported(fmt::format(
        "unsupported {} version at {}: expected at most {}, got {}; upgrade maas to read it",
        format, version_path, max_version, found_version));
  }
  if (found_version < min_version) {
    fail(version_path, min_version == max_version ? fmt::format("{}", max_version)
                                                  : fmt::format("{} to {}", min_version, max_version),
         fmt::format("{}", found_version), "write the document with a current maas");
  }
  return found_version;
}

const nlohmann::json& field(const nlohmann::json& j, std::string_view path, std::string_view key) {
  if (!j.is_object()) {
    fail(path, "an object", describe(j), "write the object that to_json() produces");
  }
  const auto it = j.find(key);
  if (it == j.end()) {
    fail_missing(path, key);
  }
  return *it;
}

bool read_bool(const nlohmann::json& value, std::string_view path) {
  if (!value.is_boolean()) {
    fail(path, "true or false", describe(value), "write a JSON boolean");
  }
  return value.get<bool>();
}

std::string read_string(const nlohmann::json& value, std::string_view path) {
  if (!value.is_string()) {
    fail(path, "a string", describe(value), "write a JSON string");
  }
  return value.get<std::string>();
}

int64_t read_integer(const nlohmann::json& value, std::string_view path, int64_t min_value,
                     int64_t max_value) {
  if (!value.is_number_integer()) {
    fail(path, "an integer", describe(value), "write a whole number without a decimal point");
  }
  if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    fail(path, fmt::format("an integer in [{}, {}]", min_value, max_value), describe(value),
         "write a smaller number");
  }
  const int64_t number = value.get<int64_t>();
  if (number < min_value || number > max_value) {
    fail(path, fmt::format("an integer in [{}, {}]", min_value, max_value), describe(value),
         "write a number in that range");
  }
  return number;
}

}  // namespace maas::text::json_fields
