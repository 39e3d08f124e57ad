#include "core/data/dataset.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

#include "core/common/error.h"
#include "core/data/readers.h"
#include "core/data/utf8_check.h"

namespace maas::data {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

Format choose_format(Format format, const ReadOptions& options, std::string_view source) {
  if (format != Format::kAuto) {
    return format;
  }
  if (options.format != Format::kAuto) {
    return options.format;
  }
  return format_from_extension(std::filesystem::path(source));
}

// Rejects options that cannot work with `format`, before any content is parsed.
void validate_options(Format format, const ReadOptions& options) {
  const bool uses_columns =
      format == Format::kCsv || format == Format::kTsv || format == Format::kJsonl;
  if (uses_columns && options.text_column.empty()) {
    throw InvalidArgument("the text column name is empty. Set it to the name of the column or key "
                          "that contains the text, such as \"text\".");
  }
  if (uses_columns && options.text_column == options.label_column) {
    throw InvalidArgument(fmt::format(
        "the text column and the label column are both \"{}\". Set them to different columns.",
        options.text_column));
  }
  if (uses_columns && options.require_label && options.label_column.empty()) {
    throw InvalidArgument("the label column name is empty. Set it to the name of the column or "
                          "key that contains the label, such as \"label\".");
  }
  if (format == Format::kFastText && options.label_prefix.empty()) {
    throw InvalidArgument("the fastText label prefix is empty, so every token would be a label. "
                          "Set it to the prefix your file uses, such as \"__label__\".");
  }
  if (options.label_kind == LabelKind::kMulti && options.label_separator.empty()) {
    throw InvalidArgument("the label separator is empty. Set it to the characters between labels in one "
                          "field, such as \"|\".");
  }
  if (format == Format::kLines && options.require_label) {
    throw InvalidArgument("the lines format has no labels, but labels are required. Read it "
                          "with `maas predict`, which needs no labels, or use a format "
                          "with labels such as fasttext, csv, tsv or jsonl.");
  }
}

std::string read_file(const std::filesystem::path& path) {
  std::error_code status_error;
  const std::filesystem::file_status status = std::filesystem::status(path, status_error);
  if (status.type() == std::filesystem::file_type::not_found) {
    throw IoError(fmt::format(
        "dataset file \"{}\" not found. Check the path. A relative path starts from the current "
        "directory \"{}\".",
        path.string(), std::filesystem::current_path(status_error).string()));
  }
  if (status.type() == std::filesystem::file_type::directory) {
    throw IoError(fmt::format(
        "dataset path \"{}\" is a directory, expected a file. Name the dataset file itself.",
        path.string()));
  }

  std::ifstream stream(path, std::ios::binary);
  if (!stream) {
    throw IoError(fmt::format("cannot open dataset file \"{}\": {}. Check that it is readable.",
                              path.string(), std::strerror(errno)));
  }
  std::ostringstream content;
  content << stream.rdbuf();
  if (stream.bad()) {
    throw IoError(fmt::format("failed to read dataset file \"{}\": {}.", path.string(),
                              std::strerror(errno)));
  }
  return std::move(content).str();
}

}  // namespace

Dataset read_dataset(const std::filesystem::path& path, const ReadOptions& options) {
  // Choose the format first, so an unknown extension fails before the file is read.
  const Format format = choose_format(options.format, options, path.string());
  const std::string content = read_file(path);
  return parse_dataset(content, path.string(), format, options);
}

Dataset parse_dataset(std::string_view content, std::string_view source, Format format,
                      const ReadOptions& options) {
  const Format chosen = choose_format(format, options, source);
  validate_options(chosen, options);

  // Validate before removing the byte order mark, so offsets in messages count from the file start.
  detail::require_valid_utf8(content, source);
  if (content.substr(0, kByteOrderMark.size()) == kByteOrderMark) {
    content.remove_prefix(kByteOrderMark.size());
  }

  Dataset dataset;
  switch (chosen) {
    case Format::kCsv: dataset = detail::parse_csv(content, source, options); break;
    case Format::kTsv: dataset = detail::parse_tsv(content, source, options); break;
    case Format::kJsonl: dataset = detail::parse_jsonl(content, source, options); break;
    case Format::kFastText: dataset = detail::parse_fasttext(content, source, options); break;
    case Format::kLines: dataset = detail::parse_lines(content, source, options); break;
    case Format::kAuto:
      // choose_format never returns kAuto.
      throw InvalidArgument(fmt::format("no dataset format chosen for \"{}\".", source));
  }
  dataset.source = std::string(source);
  return dataset;
}

}  // namespace maas::data
