#pragma once
// Helpers shared by the config tests.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/error.h"
#include "core/config/config.h"

namespace maas::config::testing {

// A config source that never exists on disk: parse_config() only uses it for messages and to
// resolve relative paths, so the expected absolute paths are fixed.
inline const std::filesystem::path kSource = "/work/exp/configs/text.yaml";

// The smallest valid config: the two required keys, with output left to its default.
inline constexpr std::string_view kMinimalYaml =
    "data:\n"
    "  train: train.csv\n"
    "model:\n"
    "  layers:\n"
    "    - embedding: {dim: 8}\n"
    "    - global_average_pooling1d: {}\n"
    "    - dense: {activation: auto}\n";

// Parses `yaml` and returns the ConfigError message, or records a failure and returns "" when
// parsing succeeds.
inline std::string config_error(std::string_view yaml,
                                const std::vector<std::string>& overrides = {},
                                const std::filesystem::path& source = kSource) {
  try {
    parse_config(yaml, source, overrides);
  } catch (const ConfigError& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected a ConfigError for:\n" << yaml;
  return "";
}

}  // namespace maas::config::testing
