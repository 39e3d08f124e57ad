#pragma once
// Loading, overriding and writing experiment configs. Priority: built-in default < file < --set.
//
// Errors: every problem found in one file and its overrides is collected and thrown together as
// one maas::ConfigError, one line per problem, each line of the form
//   configs/text.yaml:12:11: training.epochs: expected an integer >= 1, got -3
//   --set training.epochs=abc: training.epochs: expected an integer >= 1, got abc
// A YAML syntax error stops parsing and is reported alone, with its line and column.
// The functions are thread-safe: they share no state.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/experiment_config.h"

namespace maas::config {

// Reads and parses the YAML file at `file`. Relative paths in it resolve against the file's
// folder. Throws IoError when the file cannot be read and ConfigError when its contents or an
// override are invalid.
ExperimentConfig load_config(const std::filesystem::path& file,
                             const std::vector<std::string>& overrides = {});

// Parses `yaml_text` as if it were the file `source_for_messages_and_relative_paths`: messages
// name that path and relative paths resolve against its folder. An empty source resolves
// against the current directory, names the text "<config>" and uses "experiment" as the
// default output name.
//
// Each override is "KEY=VALUE", applied in order after the file. KEY is a dotted key path; layer
// items are selected by index ("model.layers.0.embedding.dim" or "model.layers[0].embedding.dim").
// VALUE is parsed as YAML, so null, true, 3, 0.5, plain strings and flow maps such as
// "{dense: {units: 8}}" work. Setting a map merges into the current value; setting a list, such
// as model.layers, replaces it. Relative paths given by an override resolve against the current
// directory, like a path on the command line. Throws ConfigError.
ExperimentConfig parse_config(std::string_view yaml_text,
                              const std::filesystem::path& source_for_messages_and_relative_paths,
                              const std::vector<std::string>& overrides = {});

// Writes the effective config as YAML: every key with its resolved value and absolute paths.
// parse_config() of this text with the same source gives back an equal config.
std::string dump_config(const ExperimentConfig& config);

// The same content as dump_config() as a JSON object, for the model artifact and the run folder.
// JSON is valid YAML, so parse_config() of its dump() with the same source also gives back an
// equal config. `source` is not included.
nlohmann::json to_json(const ExperimentConfig& config);

}  // namespace maas::config
