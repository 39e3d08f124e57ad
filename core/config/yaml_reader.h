#pragma once
// Internal to core/config: reading yaml-cpp nodes into typed values with key paths and line
// numbers. A read that rejects a value reports it to Diagnostics and returns nullopt, and the
// caller leaves the field unchanged, so one pass finds every error in a file.
//
// Types are strict: an integer field takes a plain decimal integer (not 5.0, not "5"), a number
// field a plain integer or decimal, a boolean field true or false, a string field any scalar.
// yaml-cpp 0.7 tags plain scalars "?" and quoted ones "!", which is how the readers separate
// "5" from 5.

#include <yaml-cpp/yaml.h>

#include <climits>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/diagnostics.h"

namespace maas::config::detail {

// Source of the nodes being read: the config file or one --set override.
struct Origin {
  std::string file_label;          // the config path as given, for messages
  bool from_override = false;      // true while reading one --set argument
  std::string override_text;       // the whole --set argument
  std::filesystem::path base_dir;  // absolute folder that relative paths resolve against
};

// One key of a YAML map, with its full key path ("training.optimizer.name").
struct Entry {
  std::string key;
  std::string path;
  YAML::Node key_node;
  YAML::Node value;
};

// Accepted interval of a floating-point value; infinite bounds mean "no bound".
struct Bounds {
  double min = -std::numeric_limits<double>::infinity();
  bool min_inclusive = true;
  double max = std::numeric_limits<double>::infinity();
  bool max_inclusive = true;
};

// Appends a key to a key path: ("training", "epochs") -> "training.epochs".
std::string join_path(std::string_view path, std::string_view key);

// Short text for a value in messages: `abc`, `"abc" (a quoted string)`, `null`, `a list`, `a map`.
std::string describe(const YAML::Node& node);

class Reader {
 public:
  Reader(Origin origin, Diagnostics& diagnostics, GivenKeys& given);

  const Origin& origin() const { return origin_; }
  bool from_override() const { return origin_.from_override; }

  // Location of a node: file:line:column, or the --set argument for an override.
  Location locate(const YAML::Node& node) const;
  // Location of an entry's value. A null value has no useful mark in yaml-cpp 0.7 (an empty
  // value is marked on the next line), so it is placed at its key.
  Location locate(const Entry& entry) const;

  void error(const Location& where, std::string_view path, std::string_view message);
  void error(const Entry& entry, std::string_view message);
  // Reports "expected <expected>, got <value>".
  void reject(const Entry& entry, std::string_view expected);

  // Records that the key of `entry` was given, and where. While reading an override, a value
  // that is not a map also drops the file's errors at that key path, because the override
  // replaces the value they are about (a map merges, so the file's errors below it stand).
  void mark_given(const Entry& entry);
  void mark_given(std::string_view path, const Location& where);
  // Forgets every given key equal to `path` or below it, as when a list is replaced. While
  // reading an override, it also drops the file's errors at or below `path`.
  void forget_given(std::string_view path);
  GivenKeys& given() { return given_; }

  // Entries of a map node in file order. Reports and skips duplicate keys (yaml-cpp 0.7 keeps
  // every entry of a duplicated key) and keys that are not scalars.
  std::vector<Entry> entries(const YAML::Node& map, std::string_view path);

  // Reports an unknown key (or other name, such as a layer type), with a suggestion for a
  // likely typo and the accepted names.
  void unknown_key(const Entry& entry, std::span<const std::string_view> accepted,
                   std::string_view noun = "key");

  // `alternative` names a non-integer value the caller handles itself, such as "auto" or
  // "null"; it only appears in messages.
  std::optional<std::int64_t> read_int(const Entry& entry, std::int64_t min,
                                       std::int64_t max = INT_MAX,
                                       std::string_view alternative = {});
  std::optional<std::uint64_t> read_uint64(const Entry& entry);
  std::optional<double> read_double(const Entry& entry, const Bounds& bounds);
  std::optional<bool> read_bool(const Entry& entry);
  std::optional<std::string> read_string(const Entry& entry, bool allow_empty);
  // With `ignore_case`, "Adam" matches "adam" and the accepted spelling is returned.
  std::optional<std::string> read_enum(const Entry& entry,
                                       std::span<const std::string_view> accepted,
                                       bool ignore_case = false);
  // A non-empty path, made absolute against origin().base_dir and lexically normalised.
  std::optional<std::filesystem::path> read_path(const Entry& entry);

 private:
  Origin origin_;
  Diagnostics& diagnostics_;
  GivenKeys& given_;
};

// Sets `field` when a read returned a value. A read that returned nullopt has reported why,
// and the field keeps its current value.
template <class T, class U>
void set_if_valid(T& field, const std::optional<U>& value) {
  if (value) field = static_cast<T>(*value);
}

// One key of a config section and how to read its value.
template <class Section>
struct Field {
  std::string_view key;
  void (*read)(Section& section, const Entry& entry, Reader& reader);
};

// Reads the map `holder.value` into `section` through `fields`, merging into the current
// values: keys present are set, keys absent keep theirs. A null value counts as an empty map,
// so a section whose keys are all commented out keeps its defaults.
template <class Section>
void read_fields(Section& section, const Entry& holder, std::span<const Field<Section>> fields,
                 Reader& reader) {
  if (holder.value.IsNull()) return;
  if (!holder.value.IsMap()) {
    reader.reject(holder, "a map of keys");
    return;
  }
  std::vector<std::string_view> accepted;
  for (const Field<Section>& field : fields) accepted.push_back(field.key);

  for (const Entry& entry : reader.entries(holder.value, holder.path)) {
    const Field<Section>* match = nullptr;
    for (const Field<Section>& field : fields) {
      if (field.key == entry.key) match = &field;
    }
    if (match == nullptr) {
      reader.unknown_key(entry, accepted);
      continue;
    }
    reader.mark_given(entry);
    match->read(section, entry, reader);
  }
}

// Returns `text` as a YAML double-quoted scalar. Control characters are escaped; bytes from 0x80
// up pass through, so UTF-8 text stays readable.
std::string yaml_double_quoted(std::string_view text);

}  // namespace maas::config::detail
