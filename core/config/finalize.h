#pragma once
// Internal to core/config: the checks and defaults that need the whole config, run once after
// the file and every override have been read.

#include <filesystem>
#include <string>

#include "core/config/diagnostics.h"
#include "core/config/experiment_config.h"

namespace maas::config::detail {

struct FinalizeContext {
  std::string file_label;            // the config path as given, for messages
  std::filesystem::path config_dir;  // absolute folder of the config file
  std::string config_stem;           // default run name
  bool root_is_map = true;           // false skips the missing-key checks, already implied
};

// Reports missing required keys and broken cross-field rules, and fills the defaults that
// depend on other keys: the optimizer's learning rate and the output folder and name.
void finalize_config(ExperimentConfig& config, const FinalizeContext& context,
                     const GivenKeys& given, Diagnostics& diagnostics);

}  // namespace maas::config::detail
