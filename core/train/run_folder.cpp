#include "core/train/run_folder.h"

#include <system_error>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/common/error.h"
#include "core/train/checkpoint.h"

namespace maas::train {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kStagingMarker = ".tmp-";
constexpr std::size_t kStagingSuffixDigits = 8;

// True for ".NAME.tmp-" followed by exactly 8 lowercase hex digits, with NAME not empty.
bool is_staging_name(std::string_view name) {
  if (!name.starts_with('.')) return false;
  const std::size_t marker = name.rfind(kStagingMarker);
  if (marker == std::string_view::npos || marker < 2) return false;
  const std::string_view suffix = name.substr(marker + kStagingMarker.size());
  if (suffix.size() != kStagingSuffixDigits) return false;
  for (const char c : suffix) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

int remove_staging_in(const fs::path& dir) {
  std::error_code error;
  if (!fs::is_directory(dir, error)) return 0;
  // Collected first, because removing entries while a directory_iterator walks them is unspecified.
  std::vector<fs::path> stale;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
    if (is_staging_name(entry.path().filename().string())) stale.push_back(entry.path());
  }
  int removed = 0;
  for (const fs::path& path : stale) {
    std::error_code remove_error;
    fs::remove_all(path, remove_error);
    if (remove_error) {
      spdlog::warn("failed to remove the leftover of an interrupted write {}: {}", path.string(),
                   remove_error.message());
      continue;
    }
    spdlog::info("removed the leftover of an interrupted write: {}", path.string());
    ++removed;
  }
  return removed;
}

// The model folder appears by one rename after the last epoch and the test set, so it marks a
// finished run, unless a checkpoint is newer: a run started over an earlier run's model keeps
// that model until it finishes.
bool checkpoint_newer_than_model(const fs::path& dir) {
  const fs::path checkpoint = checkpoint_path(dir);
  const fs::path manifest = dir / "model" / "manifest.json";
  std::error_code error;
  if (!fs::exists(checkpoint, error) || !fs::exists(manifest, error)) return false;
  return fs::last_write_time(checkpoint, error) > fs::last_write_time(manifest, error);
}

}  // namespace

void check_data_file(const config::ExperimentConfig& config, std::string_view key, const fs::path& path) {
  const std::string where = config.locations.find(key);
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (fs::is_directory(status)) {
    throw ConfigError(fmt::format("{}: {}: \"{}\" is a folder; give the path of a data file", where, key,
                                  path.string()));
  }
  if (fs::exists(status)) return;
  const bool from_override = where.starts_with("--set ");
  const std::string base = from_override || config.source.empty()
                               ? "the current folder (" + fs::current_path().string() + ")"
                               : "the config file's folder (" + config.source.parent_path().string() + ")";
  throw ConfigError(fmt::format("{}: {}: data file \"{}\" not found; a relative path starts from {}, so fix the path",
                                where, key, path.string(), base));
}

void prepare_run_folder(const config::ExperimentConfig& config, bool resume) {
  const fs::path& dir = config.output.dir;
  const std::string where = config.locations.find("output.dir");
  // The nearest existing part of the path decides: a file there makes the folder impossible.
  for (fs::path part = dir; !part.empty(); part = part.parent_path()) {
    std::error_code error;
    const fs::file_status status = fs::status(part, error);
    if (fs::exists(status) && !fs::is_directory(status)) {
      throw ConfigError(fmt::format("{}: output.dir: cannot create the run folder \"{}\" because \"{}\" is a file; set "
                                    "output to a folder path",
                                    where, dir.string(), part.string()));
    }
    if (fs::exists(status) || part == part.parent_path()) break;
  }
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) {
    throw IoError(fmt::format("{}: output.dir: cannot create the run folder \"{}\": {}; check its permissions or "
                              "set output to another folder",
                              where, dir.string(), error.message()));
  }
  const fs::path model = dir / "model";
  if (resume && fs::exists(model, error) && !checkpoint_newer_than_model(dir)) {
    throw InvalidArgument(fmt::format("{}: the run already finished and wrote its model there, so there is nothing to "
                                      "resume; start a new run with 'maas train CONFIG' to train again",
                                      model.string()));
  }
  if (!resume && fs::exists(model, error)) {
    spdlog::warn("{} contains the model of an earlier run, which this run replaces when it finishes; set output to "
                 "another folder to keep it",
                 model.string());
  }
}

int remove_stale_staging(const fs::path& run_dir) {
  return remove_staging_in(run_dir) + remove_staging_in(run_dir / "checkpoint");
}

}  // namespace maas::train
