// fastText parser ("__label__spam buy now") and the plain one-text-per-line parser.

#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/common/error.h"
#include "core/data/lines.h"
#include "core/data/reader_support.h"
#include "core/data/readers.h"

namespace maas::data::detail {
namespace {

// The whitespace that separates fastText tokens, apart from the line end.
constexpr std::string_view kTokenSeparators = " \t\r\v\f";

struct Token {
  std::size_t begin = 0;
  std::size_t end = 0;
};

std::string_view trim(std::string_view text) {
  const std::size_t first = text.find_first_not_of(kTokenSeparators);
  if (first == std::string_view::npos) {
    return {};
  }
  const std::size_t last = text.find_last_not_of(kTokenSeparators);
  return text.substr(first, last - first + 1);
}

// Finds every token that starts with the label prefix, in line order. Throws Unsupported for
// several with LabelKind::kSingle.
std::vector<Token> find_label_tokens(std::string_view line, std::size_t number, std::string_view source,
                                     const ReadOptions& options) {
  std::vector<Token> labels;
  std::size_t position = 0;
  while (true) {
    const std::size_t begin = line.find_first_not_of(kTokenSeparators, position);
    if (begin == std::string_view::npos) {
      return labels;
    }
    std::size_t end = line.find_first_of(kTokenSeparators, begin);
    if (end == std::string_view::npos) {
      end = line.size();
    }
    position = end;

    const std::string_view token = line.substr(begin, end - begin);
    if (token.rfind(options.label_prefix, 0) != 0) {
      continue;
    }
    if (!labels.empty() && options.label_kind != LabelKind::kMulti) {
      throw Unsupported(fmt::format(
          "{}:{}: several labels on one line (\"{}\" and \"{}\"), but the task reads one label per example. "
          "Keep one label per line, or set training.task: multi_label for multi-label data.",
          source, number, line.substr(labels[0].begin, labels[0].end - labels[0].begin), token));
    }
    labels.push_back(Token{begin, end});
  }
}

Example read_fasttext_line(std::string_view line, std::size_t number, std::string_view source,
                           const ReadOptions& options) {
  Example example;
  example.line = number;

  const std::vector<Token> labels = find_label_tokens(line, number, source, options);
  // A multi-label example may have no labels; any other needs one when labels are required.
  if (labels.empty() && options.require_label && options.label_kind != LabelKind::kMulti) {
    throw IoError(fmt::format(
        "{}:{}: no label: expected a token that starts with \"{}\", as in \"{}positive some "
        "text\". Add the label, or use `maas predict` for texts without labels.",
        source, number, options.label_prefix, options.label_prefix));
  }

  // The text is what lies between the label tokens, each piece trimmed and joined by one space.
  std::size_t piece_begin = 0;
  const auto add_piece = [&](std::size_t piece_end) {
    const std::string_view piece = trim(line.substr(piece_begin, piece_end - piece_begin));
    if (piece.empty()) return;
    if (!example.text.empty()) example.text += ' ';
    example.text += piece;
  };
  for (const Token& token : labels) {
    add_piece(token.begin);
    piece_begin = token.end;
    const std::string_view label = line.substr(token.begin + options.label_prefix.size(),
                                               token.end - token.begin - options.label_prefix.size());
    if (options.label_kind == LabelKind::kMulti) {
      if (label.empty()) {
        require_non_empty_label(label, source, number, fmt::format("token \"{}\"", options.label_prefix));
      }
      add_label_once(example.labels, label);
    } else {
      example.label = label;
    }
  }
  add_piece(line.size());

  if (options.label_kind != LabelKind::kMulti && !labels.empty()) {
    read_label_field(example, source, fmt::format("token \"{}\"", options.label_prefix), options);
  }
  return example;
}

}  // namespace

Dataset parse_fasttext(std::string_view content, std::string_view source,
                       const ReadOptions& options) {
  return read_line_records(content, [&](std::string_view line, std::size_t number) {
    return read_fasttext_line(line, number, source, options);
  });
}

Dataset parse_lines(std::string_view content, std::string_view source, const ReadOptions&) {
  return read_line_records(content, [](std::string_view line, std::size_t number) {
    Example example;
    example.text = line;
    example.line = number;
    return example;
  });
}

}  // namespace maas::data::detail
