#pragma once
// Checks and housekeeping of a run folder and the data files before training starts, so that a
// bad path fails with the config key that names it instead of a bare filesystem error.

#include <filesystem>
#include <string_view>

#include "core/config/config.h"

namespace maas::train {

// Throws ConfigError naming `key` (such as "data.train") and where it was given when `path` is
// missing or is a folder. The message names the folder that relative paths start from.
void check_data_file(const config::ExperimentConfig& config, std::string_view key,
                     const std::filesystem::path& path);

// Creates config.output.dir. Throws ConfigError naming output.dir when a part of the path is a
// file, and IoError when the folder cannot be created for another reason. Unless `resume`, logs
// a warning when the folder already contains a model that this run will replace. With `resume`,
// throws InvalidArgument when the folder contains a model and no newer checkpoint: the run finished.
void prepare_run_folder(const config::ExperimentConfig& config, bool resume);

// Removes what an interrupted atomic write left in `run_dir` and `run_dir`/checkpoint: entries
// named like io::write_file_atomic and io::StagingDir name their temporary files and folders
// (".NAME.tmp-" and 8 lowercase hex digits). Nothing else is touched. Returns how many entries
// were removed.
int remove_stale_staging(const std::filesystem::path& run_dir);

}  // namespace maas::train
