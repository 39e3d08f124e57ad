// maas predict MODEL [INPUT]: one JSON line per input text with the top label and every class's probability.

#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/text_input.h"
#include "core/common/error.h"
#include "core/infer/predictor.h"
#include "kernels/runtime.h"

namespace maas::cli {

namespace {

struct PredictArguments {
  std::string model;
  std::string input = "-";
  int batch_size = 256;
  int threads = 0;
};

void write_predictions(const infer::Predictor& predictor, const std::vector<std::string>& texts,
                       const std::vector<std::size_t>& lines, const std::string& source) {
  infer::Probabilities probabilities;
  try {
    probabilities = predictor.predict(texts);
  } catch (const InvalidArgument& e) {
    throw InvalidArgument(fmt::format("{}: lines {}-{}: {}", source, lines.front(), lines.back(), e.what()));
  }
  const auto& labels = predictor.labels();
  std::string out;
  for (const std::vector<float>& row : probabilities) {
    nlohmann::ordered_json line;
    const std::size_t top = infer::top_class(row);
    line["label"] = labels[top];
    line["probability"] = row[top];
    nlohmann::ordered_json by_label;
    for (std::size_t c = 0; c < labels.size(); ++c) by_label[labels[c]] = row[c];
    line["probabilities"] = by_label;
    out += line.dump();
    out += '\n';
  }
  std::cout << out;
}

void run_predict(const PredictArguments& args) {
  kernels::set_num_threads(args.threads);
  const auto predictor = infer::Predictor::load(args.model);
  const std::string source = input_name(args.input);
  std::vector<std::string> texts;
  std::vector<std::size_t> lines;
  for_each_line(args.input, [&](const std::string& line, std::size_t number) {
    texts.push_back(line);
    lines.push_back(number);
    if (texts.size() == static_cast<std::size_t>(args.batch_size)) {
      write_predictions(*predictor, texts, lines, source);
      texts.clear();
      lines.clear();
    }
  });
  if (!texts.empty()) write_predictions(*predictor, texts, lines, source);
  std::cout.flush();
}

}  // namespace

void add_predict_command(CLI::App& app) {
  auto args = std::make_shared<PredictArguments>();
  CLI::App* predict = app.add_subcommand("predict", "Classify text lines; writes one JSON line per input line");
  predict->add_option("model", args->model, "Model folder (RUN/model from 'maas train')")->required()->check(CLI::ExistingDirectory);
  predict->add_option("input", args->input, "Text file, one text per line; - for stdin")->capture_default_str();
  predict->add_option("--batch-size", args->batch_size, "Lines per inference batch")->capture_default_str()->check(CLI::Range(1, 65536));
  predict->add_option("--threads", args->threads, "Compute threads; 0 uses all cores")->capture_default_str()->check(CLI::Range(0, 1024));
  predict->callback([args] { run_predict(*args); });
}

}  // namespace maas::cli
