#include "core/data/table_builder.h"

#include <utility>

#include <fmt/format.h>

#include "core/common/error.h"
#include "core/data/lines.h"
#include "core/data/reader_support.h"

namespace maas::data::detail {
namespace {

// A record is blank when every field is empty or whitespace, which covers empty lines,
// whitespace-only lines and records such as ",," in CSV.
bool is_blank_record(const std::vector<std::string>& fields) {
  for (const std::string& field : fields) {
    if (!is_blank_line(field)) {
      return false;
    }
  }
  return true;
}

}  // namespace

TableBuilder::TableBuilder(std::string_view source, const ReadOptions& options,
                           std::string_view field_count_hint)
    : source_(source), options_(options), field_count_hint_(field_count_hint) {}

void TableBuilder::add_record(std::vector<std::string>& fields, std::size_t line) {
  if (is_blank_record(fields)) {
    ++dataset_.blank_lines;
    return;
  }
  if (header_line_ == 0) {
    read_header(fields, line);
    return;
  }
  if (fields.size() != header_.size()) {
    throw IoError(fmt::format(
        "{}:{}: wrong number of fields: the record has {} but the header on line {} has {} "
        "({}). {}",
        source_, line, fields.size(), header_line_, header_.size(), quote_names(header_),
        field_count_hint_));
  }

  Example example;
  example.line = line;
  example.text = std::move(fields[text_index_]);
  if (label_index_) {
    example.label = std::move(fields[*label_index_]);
  }
  read_label_field(example, source_, fmt::format("column \"{}\"", options_.label_column), options_);
  dataset_.examples.push_back(std::move(example));
}

Dataset TableBuilder::finish() {
  if (header_line_ == 0) {
    throw IoError(fmt::format(
        "{}: no header row: the file is empty or contains only blank lines. Expected a header "
        "that names the columns, such as \"{},{}\", followed by one record per example.",
        source_, options_.text_column, options_.label_column));
  }
  return std::move(dataset_);
}

void TableBuilder::read_header(const std::vector<std::string>& fields, std::size_t line) {
  header_ = fields;
  header_line_ = line;

  const std::optional<std::size_t> text_index = find_column(header_, options_.text_column, line);
  if (!text_index) {
    throw IoError(fmt::format(
        "{}:{}: missing text column \"{}\". The header contains the columns {}. Set the text "
        "column to one of them, or rename the column in the file.",
        source_, line, options_.text_column, quote_names(header_)));
  }
  text_index_ = *text_index;

  label_index_ = find_column(header_, options_.label_column, line);
  if (!label_index_ && options_.require_label) {
    throw IoError(fmt::format(
        "{}:{}: missing label column \"{}\". The header contains the columns {}. Set the label "
        "column to one of them, or use `maas predict` for texts without labels.",
        source_, line, options_.label_column, quote_names(header_)));
  }
}

std::optional<std::size_t> TableBuilder::find_column(const std::vector<std::string>& header,
                                                     const std::string& name,
                                                     std::size_t line) const {
  std::optional<std::size_t> found;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] != name) {
      continue;
    }
    if (found) {
      throw IoError(fmt::format(
          "{}:{}: column \"{}\" appears twice in the header, as columns {} and {}. Rename one of "
          "them so the column to read is unambiguous.",
          source_, line, name, *found + 1, i + 1));
    }
    found = i;
  }
  return found;
}

}  // namespace maas::data::detail
