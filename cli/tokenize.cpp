// maas tokenize fit | encode: fit a Keras-style word vocabulary, and turn text into padded ids.

#include <iostream>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "cli/text_input.h"
#include "core/common/error.h"
#include "core/data/dataset.h"
#include "core/infer/predictor.h"
#include "core/io/file_io.h"
#include "core/text/text_encoder.h"

namespace maas::cli {

namespace {

struct FitArguments {
  std::string data;
  std::string output;
  std::string format = "auto";
  std::string text_column = "text";
  std::optional<int> num_words;
  int max_length = 64;
  std::string padding = "pre";
  std::string truncating = "pre";
  std::optional<std::string> oov_token;
  bool no_lower = false;
  bool no_split_cjk = false;
  bool char_level = false;
  std::string filters{text::kKerasFilters};
  text::NgramOptions ngrams;
};

struct EncodeArguments {
  std::string input = "-";
  std::string vocab;
  std::string model;
  bool json = false;
};

void run_fit(const FitArguments& args) {
  data::ReadOptions read;
  read.format = data::parse_format(args.format);
  read.text_column = args.text_column;
  read.require_label = false;
  const data::Dataset dataset = data::read_dataset(args.data, read);

  text::TokenizerOptions options;
  options.num_words = args.num_words;
  options.oov_token = args.oov_token;
  options.lower = !args.no_lower;
  options.split_cjk = !args.no_split_cjk;
  options.char_level = args.char_level;
  options.filters = args.filters;
  text::WordTokenizer tokenizer(options);
  std::vector<std::string> texts;
  texts.reserve(dataset.examples.size());
  for (const data::Example& example : dataset.examples) texts.push_back(example.text);
  tokenizer.fit_on_texts(texts);

  text::PadOptions padding;
  padding.max_length = args.max_length;
  padding.padding = text::parse_pad_side(args.padding);
  padding.truncating = text::parse_pad_side(args.truncating);
  const text::TextEncoder encoder(std::move(tokenizer), padding, args.ngrams);
  io::write_file_atomic(args.output, encoder.to_json().dump(2) + "\n");
  spdlog::info("fitted a vocabulary of {} ids on {} texts from {}; wrote {}", encoder.vocab_size(), texts.size(),
               dataset.source, args.output);
}

void run_encode(const EncodeArguments& args) {
  const text::TextEncoder encoder = [&] {
    if (!args.model.empty()) return infer::Predictor::load(args.model)->encoder();
    try {
      return text::TextEncoder::from_json(nlohmann::json::parse(io::read_file(args.vocab)));
    } catch (const nlohmann::json::exception& e) {
      throw IoError(fmt::format("'{}' is not valid JSON: {}", args.vocab, e.what()));
    } catch (const InvalidArgument& e) {
      throw IoError(fmt::format("'{}' is not a maas vocabulary: {}", args.vocab, e.what()));
    }
  }();
  const std::string source = input_name(args.input);
  std::string out;
  for_each_line(args.input, [&](const std::string& line, std::size_t number) {
    std::vector<int32_t> ids;
    try {
      ids = encoder.encode(line);
    } catch (const InvalidArgument& e) {
      throw InvalidArgument(fmt::format("{}:{}: {}", source, number, e.what()));
    }
    if (args.json) {
      out = nlohmann::json{{"text", line}, {"ids", ids}}.dump();
    } else {
      out = fmt::format("{}", fmt::join(ids, " "));
    }
    out += '\n';
    std::cout << out;
  });
  std::cout.flush();
}

}  // namespace

void add_tokenize_command(CLI::App& app) {
  CLI::App* tokenize = app.add_subcommand("tokenize", "Fit a word vocabulary, or encode text to padded token ids");
  tokenize->require_subcommand(1);

  auto fit_args = std::make_shared<FitArguments>();
  CLI::App* fit = tokenize->add_subcommand("fit", "Fit a vocabulary on a dataset's text column and write it as JSON");
  fit->add_option("data", fit_args->data, "Dataset file (csv, tsv, jsonl, fastText or plain lines)")->required()->check(CLI::ExistingFile);
  fit->add_option("-o,--output", fit_args->output, "Vocabulary JSON to write")->required();
  fit->add_option("--format", fit_args->format, "Dataset format: auto, csv, tsv, jsonl, fasttext, lines")->capture_default_str();
  fit->add_option("--text-column", fit_args->text_column, "Column or field holding the text")->capture_default_str();
  fit->add_option("--num-words", fit_args->num_words, "Keep word indices below this (Keras num_words); default: all")->check(CLI::Range(2, 1 << 30));
  fit->add_option("--max-length", fit_args->max_length, "Ids per text after padding or truncation")->capture_default_str()->check(CLI::Range(1, 100000));
  fit->add_option("--padding", fit_args->padding, "Where padding goes: pre or post")->capture_default_str()->check(CLI::IsMember({"pre", "post"}));
  fit->add_option("--truncating", fit_args->truncating, "Which end long texts lose: pre or post")->capture_default_str()->check(CLI::IsMember({"pre", "post"}));
  fit->add_option("--oov-token", fit_args->oov_token, "Token for out-of-vocabulary words, given index 1; default: drop them");
  fit->add_option("--filters", fit_args->filters, "Characters replaced by the split character (Keras filters)");
  fit->add_flag("--no-lower", fit_args->no_lower, "Keep case instead of lowercasing");
  fit->add_flag("--no-split-cjk", fit_args->no_split_cjk, "Keep runs of CJK characters as one word (Keras behaviour)");
  fit->add_flag("--char-level", fit_args->char_level, "Treat every character as a token");
  fit->add_option("--ngrams", fit_args->ngrams.order, "Add hashed n-grams of 2 to this many adjacent words; 1: off")
      ->capture_default_str()
      ->check(CLI::Range(1, text::kMaxNgramOrder));
  fit->add_option("--ngram-buckets", fit_args->ngrams.buckets, "Hash buckets for n-grams; their ids follow the words")
      ->capture_default_str()
      ->check(CLI::Range(1, text::kMaxNgramBuckets));
  fit->callback([fit_args] { run_fit(*fit_args); });

  auto encode_args = std::make_shared<EncodeArguments>();
  CLI::App* encode = tokenize->add_subcommand("encode", "Encode text lines to padded ids, one line of ids per input line");
  encode->add_option("input", encode_args->input, "Text file, one text per line; - for stdin")->capture_default_str();
  // Exactly one source of the vocabulary; CLI11 reports a usage error (exit 2) otherwise.
  CLI::Option_group* source = encode->add_option_group("vocabulary", "Where the tokenizer comes from (exactly one)");
  source->add_option("--vocab", encode_args->vocab, "Vocabulary JSON from 'maas tokenize fit'")->check(CLI::ExistingFile);
  source->add_option("--model", encode_args->model, "Model folder: use the tokenizer and padding that model was trained with")->check(CLI::ExistingDirectory);
  source->require_option(1);
  encode->add_flag("--json", encode_args->json, "Write JSON lines {\"text\": ..., \"ids\": [...]}");
  encode->callback([encode_args] { run_encode(*encode_args); });
}

}  // namespace maas::cli
