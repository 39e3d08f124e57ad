#pragma once
// Internal to core/config: error collection, so one parse reports every problem at once.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace maas::config::detail {

// Source position of a value, as printed at the start of an error line:
// "configs/text.yaml:12:11", "configs/text.yaml" (no line known) or "--set training.epochs=abc".
struct Location {
  std::string label;
  int line = 0;    // 1-based line in the config file; 0 for an override or an unknown line
  int column = 0;  // 1-based column; 0 when unknown
  bool from_override = false;
};

// Key paths given so far by the file or by overrides, each with the position where it was given.
// It separates an explicit value from a default, and positions errors found by cross-field checks.
using GivenKeys = std::map<std::string, Location, std::less<>>;

class Diagnostics {
 public:
  // Adds the line "<where>: <key_path>: <message>", or "<where>: <message>" for an empty path.
  void add(const Location& where, std::string_view key_path, std::string_view message);

  bool empty() const { return problems_.empty(); }

  // True when an error was added for `key_path`. Cross-field checks skip such keys, because the
  // field kept its default and a second message about it would mislead.
  bool has_error_at(std::string_view key_path) const;

  // Removes the errors found in the file (not in an override) at `key_path`, and with
  // `and_below` also those at keys below it ("model.layers" covers "model.layers[0].dense").
  // An override that sets the value again calls it, so that --set can fix a bad value.
  void drop_file_errors(std::string_view key_path, bool and_below);

  // Throws one maas::ConfigError with a header naming `source_label` and every collected line.
  // Lines from the file come first, in file order, then lines without a line number, then
  // override lines in the order the overrides were given.
  [[noreturn]] void throw_error(std::string_view source_label) const;

 private:
  struct Problem {
    Location where;
    std::string key_path;
    std::string text;
  };
  std::vector<Problem> problems_;
};

}  // namespace maas::config::detail
