#pragma once
// Typed reads of JSON fields whose errors name the JSON pointer path of the bad value.
// Shared by the from_json functions of core/text.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace maas::text::json_fields {

// Throws InvalidArgument "invalid JSON value at <path>: expected <expected>, got <got>; <fix>".
[[noreturn]] void fail(std::string_view path, std::string_view expected, std::string_view got,
                       std::string_view fix);

// Throws InvalidArgument "missing JSON field at <path>/<key>: ...".
[[noreturn]] void fail_missing(std::string_view path, std::string_view key);

// Short description of a JSON value for messages: its type and, when short, its text.
std::string describe(const nlohmann::json& value);

// Checks that `j` is an object whose keys are exactly `keys`. The error names the first
// missing or unknown key.
void require_exact_keys(const nlohmann::json& j, std::string_view path,
                        std::initializer_list<std::string_view> keys);

// Checks the "format" and "version" fields of a versioned document. A newer version throws
// Unsupported.
void require_format(const nlohmann::json& j, std::string_view path, std::string_view format,
                    int64_t version);

// The same for a reader of versions min_version to max_version. Returns the version found.
int64_t require_format(const nlohmann::json& j, std::string_view path, std::string_view format,
                       int64_t min_version, int64_t max_version);

const nlohmann::json& field(const nlohmann::json& j, std::string_view path, std::string_view key);
std::string child_path(std::string_view path, std::string_view key);
std::string child_path(std::string_view path, std::size_t index);

bool read_bool(const nlohmann::json& value, std::string_view path);
std::string read_string(const nlohmann::json& value, std::string_view path);
// Integer in [min_value, max_value]. Floats, even 3.0, are rejected.
int64_t read_integer(const nlohmann::json& value, std::string_view path, int64_t min_value,
                     int64_t max_value);

}  // namespace maas::text::json_fields
