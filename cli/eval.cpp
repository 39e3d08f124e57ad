// maas eval MODEL --data FILE: scores a model on a labelled dataset. A classifier gets loss,
// accuracy, per-class precision/recall/F1 and a confusion matrix. A multi-label model gets micro-
// and macro-F1, subset accuracy, Hamming loss and per-label scores. A regression model gets MSE,
// MAE and R^2. --plot DIR writes the task's charts as SVG, plus the run's training curves.

#include <iostream>
#include <optional>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "core/common/error.h"
#include "cli/model_data.h"
#include "core/data/dataset.h"
#include "core/infer/predictor.h"
#include "core/report/eval_plots.h"
#include "core/train/evaluate.h"
#include "kernels/runtime.h"

namespace maas::cli {

namespace {

struct EvalArguments {
  std::string model;
  std::string data;
  std::string format = "auto";
  std::optional<std::string> text_column;
  std::optional<std::string> label_column;
  int batch_size = 256;
  int threads = 0;
  bool json = false;
  std::optional<std::string> plot_dir;
  float threshold = 0.5f;
  bool threshold_given = false;
};

void run_eval(const EvalArguments& args) {
  kernels::set_num_threads(args.threads);
  const auto predictor = infer::Predictor::load(args.model);
  warn_unused_threshold(*predictor, args.threshold_given, args.threshold);
  const data::Dataset dataset =
      data::read_dataset(args.data, model_read_options(*predictor, args.format, args.text_column, args.label_column));
  if (dataset.examples.empty()) {
    throw InvalidArgument(fmt::format("{} contains no examples to evaluate; pass a labelled dataset with at least one row",
                                      dataset.source));
  }
  if (predictor->task() != Task::kClassification) {
    const train::TaskReport report = train::evaluate_task(*predictor, dataset, args.batch_size, args.threshold);
    if (const auto* multi_label = std::get_if<train::MultiLabelReport>(&report)) {
      std::int64_t unknown = 0;
      for (const auto& [label, count] : multi_label->unknown_labels()) unknown += count;
      if (unknown > 0) {
        spdlog::warn("{}: {} labels in the data are not labels the model was trained on, so they are ignored; check that "
                     "--label-column names the tag column",
                     dataset.source, unknown);
      }
    }
    if (args.plot_dir) report::write_eval_plots(report, args.model, args.data, *args.plot_dir);
    std::cout << (args.json ? train::report_json(report).dump() + "\n" : train::report_table(report));
    return;
  }
  const train::ClassificationReport report = train::evaluate(*predictor, dataset, args.batch_size);
  std::int64_t unknown = 0;
  for (const auto& [label, count] : report.unknown_labels()) unknown += count;
  if (unknown > 0) {
    spdlog::warn("{}: {} of {} examples have labels the model was not trained on; they count as errors",
                 dataset.source, unknown, report.examples());
  }
  // Plots are written before the report is printed, so a failed write exits 1 without output.
  if (args.plot_dir) report::write_eval_plots(train::TaskReport(report), args.model, args.data, *args.plot_dir);
  if (args.json) {
    std::cout << report.to_json().dump() << "\n";
  } else {
    std::cout << report.to_table();
  }
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto args = std::make_shared<EvalArguments>();
  CLI::App* eval = app.add_subcommand("eval", "Evaluate a model on a labelled dataset");
  eval->add_option("model", args->model, "Model folder (RUN/model from 'maas train')")->required()->check(CLI::ExistingDirectory);
  eval->add_option("--data", args->data, "Labelled dataset file (csv, tsv, jsonl or fastText)")->required()->check(CLI::ExistingFile);
  eval->add_option("--format", args->format, "Dataset format: auto, csv, tsv, jsonl, fasttext")->capture_default_str();
  eval->add_option("--text-column", args->text_column, "Column or field holding the text (default: the one the model was trained on)");
  eval->add_option("--label-column", args->label_column, "Column or field holding the label (default: the one the model was trained on)");
  eval->add_option("--batch-size", args->batch_size, "Texts per inference batch")->capture_default_str()->check(CLI::Range(1, 65536));
  eval->add_option("--threads", args->threads, "Compute threads; 0 uses all cores")->capture_default_str()->check(CLI::Range(0, 1024));
  eval->add_flag("--json", args->json, "Print the report as one JSON object");
  eval->add_option("--plot", args->plot_dir,
                   "Folder for SVG charts: confusion_matrix.svg and class_metrics.svg (classification), "
                   "class_metrics.svg (multi-label) or predicted_vs_true.svg (regression) and, when RUN/metrics.jsonl "
                   "exists beside the model, training_curves.svg (created if missing; files are replaced)");
  CLI::Option* threshold = eval->add_option("--threshold", args->threshold,
                   "Multi-label models: a label counts as predicted when its probability is at least this")
      ->capture_default_str()
      ->check(CLI::Range(0.0f, 1.0f));
  eval->callback([args, threshold] {
    args->threshold_given = threshold->count() > 0;
    run_eval(*args);
  });
}

}  // namespace maas::cli
