#pragma once
// Turns the records of a delimited file (CSV, TSV) into examples: the first non-blank record is
// the header, and the text and label columns are looked up in it by name (internal to core/data).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/data/dataset.h"

namespace maas::data::detail {

class TableBuilder {
 public:
  // `field_count_hint` ends the wrong-field-count message with the usual cause in this format.
  TableBuilder(std::string_view source, const ReadOptions& options,
               std::string_view field_count_hint);

  // Adds the record that starts on `line`. Moves the text and label out of `fields`.
  // Throws IoError for a missing or duplicated column, a wrong field count or an empty label.
  void add_record(std::vector<std::string>& fields, std::size_t line);

  // Returns the examples read so far. Throws IoError when no header row was seen.
  Dataset finish();

 private:
  void read_header(const std::vector<std::string>& fields, std::size_t line);
  std::optional<std::size_t> find_column(const std::vector<std::string>& header,
                                         const std::string& name, std::size_t line) const;

  std::string_view source_;
  const ReadOptions& options_;
  std::string_view field_count_hint_;
  std::vector<std::string> header_;
  // 0 until the header row has been read.
  std::size_t header_line_ = 0;
  std::size_t text_index_ = 0;
  std::optional<std::size_t> label_index_;
  Dataset dataset_;
};

}  // namespace maas::data::detail
