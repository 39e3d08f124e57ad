#pragma once
// Dataset file formats and how a format is chosen from a name or a file extension.

#include <filesystem>
#include <string_view>

namespace maas::data {

// Layout of a dataset file. kAuto means "choose from the file extension".
enum class Format { kAuto, kCsv, kTsv, kJsonl, kFastText, kLines };

// Parses a format name as written in configs and on the command line: "auto", "csv", "tsv",
// "jsonl", "fasttext" or "lines" (lowercase). Throws InvalidArgument that lists the accepted names.
Format parse_format(std::string_view name);

// Returns the name that parse_format accepts for `format`.
std::string_view format_name(Format format);

// Chooses the format from the extension of `path`, ignoring case: .csv, .tsv, .jsonl or .ndjson,
// and .txt or .ft for fastText. Never returns kAuto or kLines.
// Throws InvalidArgument for any other extension, listing the accepted ones and the format names
// that can be set explicitly instead.
Format format_from_extension(const std::filesystem::path& path);

}  // namespace maas::data
