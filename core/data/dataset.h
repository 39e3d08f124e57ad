#pragma once
// Dataset readers: turn a CSV, TSV, JSONL, fastText or plain-text file into labelled examples.
//
// Rules shared by every format:
// - The content must be valid UTF-8. A UTF-8 byte order mark at the start is skipped.
// - Lines end with LF or CRLF. Line numbers in examples and messages are 1-based physical lines.
// - Blank lines (empty or only spaces, tabs, CR, VT, FF) are skipped and counted in
//   Dataset::blank_lines. A CSV or TSV record whose fields all contain only such whitespace, such
//   as ",,", also counts as one blank line.
// - With require_label, every example has a non-empty label. Without it, the label column or
//   key may be absent, which gives empty labels.
// - Texts and labels are not trimmed, lowercased or Unicode-normalised. The one exception is
//   fastText, whose texts lose the whitespace around them and around the label token.
//
// - ReadOptions::label_kind sets the kind of label: one class name, a set of class names
//   (multi-label) or a number (regression). See LabelKind.
//
// Errors: a malformed file throws IoError whose message starts with "<source>:<line>:", or with
// "<source>:" when no line applies (a missing header row), and names the problem. Invalid options
// and an unknown extension throw InvalidArgument. With LabelKind::kSingle, a fastText line with
// several labels throws Unsupported, because it needs LabelKind::kMulti.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/data/format.h"

namespace maas::data {

// The kind of label each example has.
enum class LabelKind {
  // One class name per example, in Example::label.
  kSingle,
  // Zero or more class names per example, in Example::labels, in file order without repeats.
  // CSV and TSV split the label field at ReadOptions::label_separator, and so does JSONL for a
  // string label; a JSONL label may also be an array of strings. An empty field, an empty array, null
  // or a fastText line without a label token gives no labels. An empty piece between two
  // separators ("a||b") is an error.
  kMulti,
  // A finite number per example, in Example::value, written as in C's strtod ("3", "-0.5",
  // "1e3"). A label that is not such a number is an error that names the value.
  kNumber,
};

struct ReadOptions {
  // kAuto chooses the format from the file extension (see format_from_extension).
  Format format = Format::kAuto;
  // Header column (CSV, TSV) or top-level object key (JSONL) that contains the text.
  std::string text_column = "text";
  // Header column (CSV, TSV) or top-level object key (JSONL) that contains the label.
  std::string label_column = "label";
  // Prefix that marks the label token in fastText lines.
  std::string label_prefix = "__label__";
  LabelKind label_kind = LabelKind::kSingle;
  // LabelKind::kMulti: the characters between labels in one field. Must not be empty.
  std::string label_separator = "|";
  // Whether every example needs a non-empty label. Set it to false to read raw text for
  // prediction, which allows absent labels and Format::kLines.
  bool require_label = true;
};

// One labelled text.
struct Example {
  std::string text;
  // The label as written. Empty only when ReadOptions::require_label is false, or for kMulti.
  std::string label;
  // LabelKind::kMulti: the class names, in file order without repeats.
  std::vector<std::string> labels;
  // LabelKind::kNumber: the label as a number. 0 when the label is absent.
  double value = 0.0;
  // 1-based line where the record starts.
  std::size_t line = 0;
};

struct Dataset {
  // Path or name used in messages.
  std::string source;
  // Examples in file order.
  std::vector<Example> examples;
  // Blank lines and empty records that were skipped.
  std::size_t blank_lines = 0;
};

// Reads the whole dataset file at `path` into memory and parses it. The format is options.format,
// or the one that format_from_extension(path) chooses when options.format is kAuto.
// Throws IoError when the file cannot be read or is malformed, and InvalidArgument for an unknown
// extension or invalid options.
Dataset read_dataset(const std::filesystem::path& path, const ReadOptions& options);

// Parses `content` that was read from `source`, which is used only in messages and, when no
// format is set, for its extension.
// The format is `format`, or options.format when `format` is kAuto, or the one that
// format_from_extension(source) chooses when both are kAuto.
//
// Formats:
// - kCsv: RFC 4180 with a header row naming the columns. Quoted fields may contain commas, line
//   breaks (kept as written) and quotes written as "". A quote inside an unquoted field is kept
//   as a literal character. A CR that is not followed by LF is rejected outside quotes.
// - kTsv: a header row, then one record per line with fields split at every tab. There is no
//   quoting, so a text cannot contain a tab or a line break.
// - kJsonl: one JSON object per line. The text must be a JSON string. The label may be a JSON
//   string or a number, and a number keeps its text exactly as written ("2.0" stays "2.0"), except
//   that -0 becomes "0". A null label counts as absent. Other keys are ignored.
// - kFastText: one example per line with a label token "<label_prefix><label>" anywhere in the
//   line. The text is the rest of the line without surrounding whitespace. When the label token
//   is in the middle, the text keeps one space in its place.
// - kLines: one text per line, kept as written apart from the line end. Needs require_label false.
//
// Content without examples gives an empty Dataset, except that CSV and TSV need a header row.
Dataset parse_dataset(std::string_view content, std::string_view source, Format format,
                      const ReadOptions& options);

}  // namespace maas::data
