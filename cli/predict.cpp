// maas predict MODEL [INPUT]: one JSON line per input text. A classifier gives the top label and every
// class's probability, a multi-label model the labels at or above the threshold and every label's
// probability, a regression model the predicted value.

#include <filesystem>
#include <iostream>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/model_data.h"
#include "cli/text_input.h"
#include "core/common/error.h"
#include "core/infer/predictor.h"
#include "kernels/runtime.h"

namespace maas::cli {

namespace {

struct PredictArguments {
  std::string model;
  std::string input = "-";
  std::string format;
  std::optional<std::string> text_column;
  int batch_size = 256;
  int threads = 0;
  float threshold = 0.5f;
  bool threshold_given = false;
};

nlohmann::ordered_json prediction_json(const infer::Predictor& predictor, const std::vector<float>& row,
                                       float threshold) {
  const auto& labels = predictor.labels();
  nlohmann::ordered_json line;
  if (predictor.task() == Task::kRegression) {
    line["value"] = row.front();
    return line;
  }
  nlohmann::ordered_json by_label;
  for (std::size_t c = 0; c < labels.size(); ++c) by_label[labels[c]] = row[c];
  if (predictor.task() == Task::kMultiLabel) {
    nlohmann::ordered_json chosen = nlohmann::ordered_json::array();
    for (std::size_t c = 0; c < labels.size(); ++c) {
      if (row[c] >= threshold) chosen.push_back(labels[c]);
    }
    line["labels"] = chosen;
    line["probabilities"] = by_label;
    return line;
  }
  const std::size_t top = infer::top_class(row);
  line["label"] = labels[top];
  line["probability"] = row[top];
  line["probabilities"] = by_label;
  return line;
}

void write_predictions(const infer::Predictor& predictor, const std::vector<std::string>& texts,
                       const std::vector<std::size_t>& lines, const std::string& source, float threshold) {
  infer::Probabilities probabilities;
  try {
    probabilities = predictor.predict(texts);
  } catch (const InvalidArgument&) {
    // The batch failed as a whole; encode line by line to name the line at fault.
    for (std::size_t i = 0; i < texts.size(); ++i) {
      try {
        predictor.encode(texts[i]);
      } catch (const InvalidArgument& e) {
        throw InvalidArgument(fmt::format("{}:{}: {}", source, lines[i], e.what()));
      }
    }
    throw;
  }
  std::string out;
  for (const std::vector<float>& row : probabilities) {
    out += prediction_json(predictor, row, threshold).dump();
    out += '\n';
  }
  std::cout << out;
}

// Plain text (one text per line) is streamed; stdin and .txt files are read that way unless
// --format sets another format. Dataset files (csv, tsv, jsonl) are read whole through the data readers.
bool reads_plain_lines(const PredictArguments& args) {
  if (!args.format.empty()) return args.format == "lines";
  if (args.input.empty() || args.input == "-") return true;
  const std::string extension = std::filesystem::path(args.input).extension().string();
  return extension.empty() || extension == ".txt";
}

void run_predict(const PredictArguments& args) {
  kernels::set_num_threads(args.threads);
  const auto predictor = infer::Predictor::load(args.model);
  warn_unused_threshold(*predictor, args.threshold_given, args.threshold);
  const std::string source = input_name(args.input);
  std::vector<std::string> texts;
  std::vector<std::size_t> lines;
  const auto add = [&](std::string text, std::size_t line) {
    texts.push_back(std::move(text));
    lines.push_back(line);
    if (texts.size() == static_cast<std::size_t>(args.batch_size)) {
      write_predictions(*predictor, texts, lines, source, args.threshold);
      texts.clear();
      lines.clear();
    }
  };
  if (reads_plain_lines(args)) {
    for_each_line(args.input, [&](const std::string& line, std::size_t number) { add(line, number); });
  } else {
    data::ReadOptions read = model_read_options(*predictor, args.format.empty() ? "auto" : args.format,
                                                args.text_column, std::nullopt);
    read.require_label = false;
    data::Dataset dataset = data::read_dataset(args.input, read);
    for (data::Example& example : dataset.examples) add(std::move(example.text), example.line);
  }
  if (!texts.empty()) write_predictions(*predictor, texts, lines, source, args.threshold);
  std::cout.flush();
}

}  // namespace

void add_predict_command(CLI::App& app) {
  auto args = std::make_shared<PredictArguments>();
  CLI::App* predict = app.add_subcommand("predict", "Run a model on text lines; writes one JSON line per input line");
  predict->add_option("model", args->model, "Model folder (RUN/model from 'maas train')")->required()->check(CLI::ExistingDirectory);
  predict->add_option("input", args->input, "Text file (one text per line), a csv/tsv/jsonl dataset, or - for stdin")->capture_default_str();
  predict->add_option("--format", args->format, "Input format: lines, csv, tsv, jsonl, fasttext (default: lines for stdin and .txt, else from the extension)")->check(CLI::IsMember({"lines", "csv", "tsv", "jsonl", "fasttext", "auto"}));
  predict->add_option("--text-column", args->text_column, "Column or field holding the text in a dataset file (default: the one the model was trained on)");
  predict->add_option("--batch-size", args->batch_size, "Lines per inference batch")->capture_default_str()->check(CLI::Range(1, 65536));
  predict->add_option("--threads", args->threads, "Compute threads; 0 uses all cores")->capture_default_str()->check(CLI::Range(0, 1024));
  CLI::Option* threshold = predict->add_option("--threshold", args->threshold,
                      "Multi-label models: a label is chosen when its probability is at least this")
      ->capture_default_str()
      ->check(CLI::Range(0.0f, 1.0f));
  predict->callback([args, threshold] {
    args->threshold_given = threshold->count() > 0;
    run_predict(*args);
  });
}

}  // namespace maas::cli
