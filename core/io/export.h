#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace maas::io {

// Highest version export_to_repository writes, so a version number stays short enough to type;
// `maas export --version` has the same range.
inline constexpr std::int64_t kMaxExportVersion = 999999999999;

// True for names a repository and a request may use: letters, digits, '.', '_' and '-', at most
// 128 characters, not starting with '.', so a name can never step outside the repository folder.
bool is_valid_model_name(std::string_view name);

// Returns the version a repository folder name stands for ("7" -> 7), or nullopt for a name that
// is not a positive decimal number below 10^18.
std::optional<std::int64_t> parse_version_folder(std::string_view name);

// Verifies the artifact `model_dir` (checksums, shapes) and publishes a copy as
// `repository/NAME/VERSION/`, atomically. `name` empty: the name in the manifest. `version` 0: one
// above the highest numeric version already there; otherwise 1 to kMaxExportVersion. With
// `quantize_int8` the copy is a version 3 artifact with int8 weights and the inference tokenizer
// (see save_quantized_artifact), but a model that is already int8 is copied as it is. Returns the
// published folder. Throws InvalidArgument for an invalid name or a version out of range
// (including one above the highest existing version), IoError if that version exists already or
// the model does not load.
std::filesystem::path export_to_repository(const std::filesystem::path& model_dir, const std::filesystem::path& repository,
                                           std::string name, std::int64_t version, bool quantize_int8 = false);

}  // namespace maas::io
