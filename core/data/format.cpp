#include "core/data/format.h"

#include <array>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "core/common/error.h"

namespace maas::data {
namespace {

constexpr std::array<std::pair<std::string_view, Format>, 6> kFormatNames = {{
    {"auto", Format::kAuto},
    {"csv", Format::kCsv},
    {"tsv", Format::kTsv},
    {"jsonl", Format::kJsonl},
    {"fasttext", Format::kFastText},
    {"lines", Format::kLines},
}};

// Extensions are compared in lowercase, so "train.CSV" is a CSV file.
constexpr std::array<std::pair<std::string_view, Format>, 6> kExtensions = {{
    {".csv", Format::kCsv},
    {".tsv", Format::kTsv},
    {".jsonl", Format::kJsonl},
    {".ndjson", Format::kJsonl},
    {".txt", Format::kFastText},
    {".ft", Format::kFastText},
}};

constexpr std::string_view kAcceptedNames = "auto, csv, tsv, jsonl, fasttext, lines";
constexpr std::string_view kAcceptedExtensions = ".csv, .tsv, .jsonl, .ndjson, .txt, .ft";

std::string to_lower_ascii(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return text;
}

}  // namespace

Format parse_format(std::string_view name) {
  for (const auto& [known_name, format] : kFormatNames) {
    if (name == known_name) {
      return format;
    }
  }
  throw InvalidArgument(fmt::format(
      "unknown dataset format \"{}\". Expected one of: {}.", name, kAcceptedNames));
}

std::string_view format_name(Format format) {
  for (const auto& [known_name, known_format] : kFormatNames) {
    if (format == known_format) {
      return known_name;
    }
  }
  // Only reachable through a value cast from an integer outside the enum.
  throw InvalidArgument(fmt::format("invalid maas::data::Format value {}. Expected one of: {}.",
                                    static_cast<int>(format), kAcceptedNames));
}

Format format_from_extension(const std::filesystem::path& path) {
  const std::string extension = to_lower_ascii(path.extension().string());
  for (const auto& [known_extension, format] : kExtensions) {
    if (extension == known_extension) {
      return format;
    }
  }
  const std::string found =
      extension.empty() ? std::string("it has no extension")
                        : fmt::format("its extension \"{}\" is unknown", extension);
  throw InvalidArgument(fmt::format(
      "cannot choose a dataset format for \"{}\" because {}. Accepted extensions: {}. Rename the "
      "file, or set the format explicitly to one of: csv, tsv, jsonl, fasttext, lines.",
      path.string(), found, kAcceptedExtensions));
}

}  // namespace maas::data
