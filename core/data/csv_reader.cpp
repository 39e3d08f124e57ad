// RFC 4180 CSV parser: fields split at commas, records at LF or CRLF, and quoted fields that may
// contain commas, line breaks and quotes written as "".

#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/common/error.h"
#include "core/data/reader_support.h"
#include "core/data/readers.h"
#include "core/data/table_builder.h"

namespace maas::data::detail {
namespace {

constexpr std::string_view kFieldCountHint =
    "Put double quotes around any field that contains a comma, and write a quote inside it as \"\".";

class CsvParser {
 public:
  CsvParser(std::string_view content, std::string_view source)
      : content_(content), source_(source) {}

  bool at_end() const { return position_ >= content_.size(); }

  // Reads the next record into `fields` and returns the line where it starts.
  std::size_t read_record(std::vector<std::string>& fields) {
    fields.clear();
    const std::size_t record_line = line_;
    while (true) {
      std::string field;
      if (!at_end() && content_[position_] == '"') {
        read_quoted_field(field);
      } else {
        read_unquoted_field(field);
      }
      fields.push_back(std::move(field));

      if (at_end()) {
        return record_line;
      }
      if (content_[position_] == ',') {
        ++position_;
        continue;
      }
      skip_line_end();
      return record_line;
    }
  }

 private:
  // Reads up to the next comma or line end. A quote inside an unquoted field is kept as written.
  void read_unquoted_field(std::string& field) {
    const std::size_t start = position_;
    while (!at_end()) {
      const char c = content_[position_];
      if (c == ',' || c == '\n' || c == '\r') {
        break;
      }
      ++position_;
    }
    field.assign(content_.substr(start, position_ - start));
    if (!at_end() && content_[position_] == '\r' && !is_line_end_at(position_)) {
      throw IoError(fmt::format(
          "{}:{}: carriage return (CR) without a following line feed outside a quoted field. "
          "Expected LF or CRLF line ends. Convert the file's line ends, or quote the field if the "
          "CR belongs to the text.",
          source_, line_));
    }
  }

  // Reads a field that starts with a quote, up to its closing quote, turning "" into ".
  void read_quoted_field(std::string& field) {
    const std::size_t quote_line = line_;
    ++position_;  // Opening quote.
    while (true) {
      if (at_end()) {
        throw IoError(fmt::format(
            "{}:{}: unterminated quoted field: the quote that opens a field on line {} is never "
            "closed. Add the closing quote, and write any quote inside the field as \"\".",
            source_, quote_line, quote_line));
      }
      const char c = content_[position_];
      if (c == '"') {
        if (position_ + 1 < content_.size() && content_[position_ + 1] == '"') {
          field += '"';
          position_ += 2;
          continue;
        }
        ++position_;  // Closing quote.
        break;
      }
      if (c == '\n') {
        ++line_;
      }
      field += c;
      ++position_;
    }

    if (!at_end() && content_[position_] != ',' && !is_line_end_at(position_)) {
      throw IoError(fmt::format(
          "{}:{}: unexpected character {} after the closing quote of a field that starts on line "
          "{}. Expected a comma or a line end after a closing quote. Write a quote inside a quoted "
          "field as \"\".",
          source_, line_, describe_byte(content_[position_]), quote_line));
    }
  }

  // Returns whether a line end (LF, CRLF, or CR as the last byte of the content) starts at `at`.
  bool is_line_end_at(std::size_t at) const {
    if (content_[at] == '\n') {
      return true;
    }
    return content_[at] == '\r' && (at + 1 == content_.size() || content_[at + 1] == '\n');
  }

  void skip_line_end() {
    if (content_[position_] == '\r') {
      ++position_;
    }
    if (!at_end() && content_[position_] == '\n') {
      ++position_;
    }
    ++line_;
  }

  std::string_view content_;
  std::string_view source_;
  std::size_t position_ = 0;
  std::size_t line_ = 1;
};

}  // namespace

Dataset parse_csv(std::string_view content, std::string_view source, const ReadOptions& options) {
  TableBuilder table(source, options, kFieldCountHint);
  CsvParser parser(content, source);
  std::vector<std::string> fields;
  while (!parser.at_end()) {
    const std::size_t line = parser.read_record(fields);
    table.add_record(fields, line);
  }
  return table.finish();
}

}  // namespace maas::data::detail
