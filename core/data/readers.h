#pragma once
// Per-format parsers behind parse_dataset (internal to core/data).
// Each one receives content that is already checked to be valid UTF-8 with any byte order mark
// removed, and options that parse_dataset has validated for that format. Each fills every field of
// the returned Dataset except `source`.

#include <string_view>

#include "core/data/dataset.h"

namespace maas::data::detail {

Dataset parse_csv(std::string_view content, std::string_view source, const ReadOptions& options);
Dataset parse_tsv(std::string_view content, std::string_view source, const ReadOptions& options);
Dataset parse_jsonl(std::string_view content, std::string_view source, const ReadOptions& options);
Dataset parse_fasttext(std::string_view content, std::string_view source,
                       const ReadOptions& options);
Dataset parse_lines(std::string_view content, std::string_view source, const ReadOptions& options);

}  // namespace maas::data::detail
