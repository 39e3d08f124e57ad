#pragma once
// Internal to core/config: --set KEY=VALUE overrides.

#include <filesystem>
#include <string>

#include "core/config/diagnostics.h"
#include "core/config/experiment_config.h"

namespace maas::config::detail {

// Applies one "KEY=VALUE" override to `config`; see parse_config() in config.h for the syntax.
// Relative paths in VALUE resolve against `working_dir`. Problems are added to `diagnostics`,
// each line starting with "--set <override>".
void apply_override(ExperimentConfig& config, const std::string& override_text,
                    const std::filesystem::path& working_dir, Diagnostics& diagnostics,
                    GivenKeys& given);

}  // namespace maas::config::detail
