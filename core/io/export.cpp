#include "core/io/export.h"

#include <algorithm>
#include <cctype>
#include <limits>

#include <fmt/format.h>

#include "core/common/error.h"
#include "core/io/artifact.h"
#include "core/io/file_io.h"

namespace maas::io {
namespace fs = std::filesystem;

namespace {

std::int64_t next_version(const fs::path& model_root) {
  std::int64_t highest = 0;
  if (!fs::is_directory(model_root)) return 1;
  for (const fs::directory_entry& entry : fs::directory_iterator(model_root)) {
    const std::optional<std::int64_t> version = parse_version_folder(entry.path().filename().string());
    if (entry.is_directory() && version) highest = std::max(highest, *version);
  }
  return highest + 1;
}

}  // namespace

bool is_valid_model_name(std::string_view name) {
  if (name.empty() || name.size() > 128 || name.front() == '.') return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '.' || c == '_' || c == '-';
  });
}

std::optional<std::int64_t> parse_version_folder(std::string_view name) {
  if (name.empty() || name.size() > 18 ||
      !std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
    return std::nullopt;
  }
  const std::int64_t version = std::stoll(std::string(name));
  if (version <= 0) return std::nullopt;
  return version;
}

fs::path export_to_repository(const fs::path& model_dir, const fs::path& repository, std::string name,
                              std::int64_t version, bool quantize_int8) {
  // Loading runs every check a server would, so a damaged model never reaches the repository.
  const Model model = load_artifact(model_dir);
  if (name.empty()) name = model.manifest.name;
  if (!is_valid_model_name(name)) {
    throw InvalidArgument(fmt::format("invalid model name '{}': use 1 to 128 letters, digits, '.', '_' and '-', not "
                                      "starting with '.' (pass --name)",
                                      name));
  }
  if (version < 0 || version > kMaxExportVersion) {
    throw InvalidArgument(fmt::format("invalid version {}: expected 1 to {}, or 0 for one above the highest existing "
                                      "version",
                                      version, kMaxExportVersion));
  }
  const fs::path model_root = repository / name;
  if (version == 0) {
    version = next_version(model_root);
    if (version > kMaxExportVersion) {
      throw InvalidArgument(fmt::format("'{}' contains version {}, the highest allowed, so no next version exists; pass "
                                        "--version with an unused number from 1 to {}",
                                        model_root.string(), version - 1, kMaxExportVersion));
    }
  }
  const fs::path target = model_root / std::to_string(version);
  if (fs::exists(target)) {
    throw IoError(fmt::format("'{}' exists already; pass another --version or remove it", target.string()));
  }
  if (quantize_int8 && model.quantized.empty()) {
    // save_quantized_artifact stages and publishes the folder itself.
    save_quantized_artifact(target, model.manifest, model.network, model.encoder);
    return target;
  }
  StagingDir staging(target);
  for (const std::string_view file : {kWeightsFile, kTokenizerFile, kManifestFile}) {
    write_file_atomic(staging.path() / file, read_regular_file(model_dir / file, std::numeric_limits<std::uint64_t>::max()));
  }
  staging.commit();
  return target;
}

}  // namespace maas::io
