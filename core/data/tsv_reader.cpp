// TSV parser: a header row, then one record per line with fields split at every tab and no quoting.

#include <string>
#include <vector>

#include "core/data/lines.h"
#include "core/data/readers.h"
#include "core/data/table_builder.h"

namespace maas::data::detail {
namespace {

constexpr std::string_view kFieldCountHint =
    "TSV has no quoting, so a tab inside a text splits it into two fields. Replace tabs in texts "
    "with spaces, or save the file as CSV.";

void split_at_tabs(std::string_view line, std::vector<std::string>& fields) {
  fields.clear();
  std::size_t start = 0;
  while (true) {
    const std::size_t tab = line.find('\t', start);
    if (tab == std::string_view::npos) {
      fields.emplace_back(line.substr(start));
      return;
    }
    fields.emplace_back(line.substr(start, tab - start));
    start = tab + 1;
  }
}

}  // namespace

Dataset parse_tsv(std::string_view content, std::string_view source, const ReadOptions& options) {
  TableBuilder table(source, options, kFieldCountHint);
  std::vector<std::string> fields;
  for_each_line(content, [&](std::string_view line, std::size_t number) {
    split_at_tabs(line, fields);
    table.add_record(fields, number);
  });
  return table.finish();
}

}  // namespace maas::data::detail
