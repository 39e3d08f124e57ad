// fastText parser ("__label__spam buy now") and the plain one-text-per-line parser.

#include <optional>
#include <string>

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

// Finds the single token that starts with the label prefix. Throws Unsupported for several.
std::optional<Token> find_label_token(std::string_view line, std::size_t number,
                                      std::string_view source, const ReadOptions& options) {
  std::optional<Token> label;
  std::size_t position = 0;
  while (true) {
    const std::size_t begin = line.find_first_not_of(kTokenSeparators, position);
    if (begin == std::string_view::npos) {
      return label;
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
    if (label) {
      throw Unsupported(fmt::format(
          "{}:{}: several labels on one line (\"{}\" and \"{}\"), but multi-label classification "
          "is not supported. Keep one label per line.",
          source, number, line.substr(label->begin, label->end - label->begin), token));
    }
    label = Token{begin, end};
  }
}

Example read_fasttext_line(std::string_view line, std::size_t number, std::string_view source,
                           const ReadOptions& options) {
  Example example;
  example.line = number;

  const std::optional<Token> label = find_label_token(line, number, source, options);
  if (!label) {
    if (options.require_label) {
      throw IoError(fmt::format(
          "{}:{}: no label: expected a token that starts with \"{}\", as in \"{}positive some "
          "text\". Add the label, or use `maas predict` for texts without labels.",
          source, number, options.label_prefix, options.label_prefix));
    }
    example.text = trim(line);
    return example;
  }

  example.label = line.substr(label->begin + options.label_prefix.size(),
                              label->end - label->begin - options.label_prefix.size());
  if (options.require_label) {
    require_non_empty_label(example.label, source, number,
                            fmt::format("token \"{}\"", options.label_prefix));
  }

  const std::string_view before = trim(line.substr(0, label->begin));
  const std::string_view after = trim(line.substr(label->end));
  example.text = before;
  if (!before.empty() && !after.empty()) {
    example.text += ' ';
  }
  example.text += after;
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
