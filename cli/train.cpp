// maas train CONFIG: run one experiment and write its run folder.

#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "core/config/config.h"
#include "core/train/trainer.h"

namespace maas::cli {

namespace {

struct TrainArguments {
  std::string config;
  std::vector<std::string> overrides;
  bool dump_config = false;
  bool json = false;
  bool no_progress = false;
};

void run_train(const TrainArguments& args) {
  const config::ExperimentConfig config = config::load_config(args.config, args.overrides);
  if (args.dump_config) {
    std::cout << config::dump_config(config);
    return;
  }
  train::TrainOptions options;
  options.show_progress = !args.no_progress;
  const train::TrainResult result = train::train_experiment(config, options);

  nlohmann::ordered_json summary;
  summary["run_dir"] = result.run_dir.string();
  summary["model_dir"] = result.model_dir.string();
  summary["epochs"] = nlohmann::ordered_json::array();
  for (const train::EpochMetrics& epoch : result.history) summary["epochs"].push_back(epoch.to_json());
  if (result.test) summary["test"] = *result.test;
  if (args.json) {
    std::cout << summary.dump() << "\n";
    return;
  }
  const train::EpochMetrics& last = result.history.back();
  std::cout << fmt::format("model: {}\n", result.model_dir.string());
  std::cout << fmt::format("train: loss {:.4f} accuracy {:.4f}\n", last.loss, last.accuracy);
  if (last.val_accuracy) {
    std::cout << fmt::format("validation: loss {:.4f} accuracy {:.4f} macro-F1 {:.4f}\n", *last.val_loss,
                             *last.val_accuracy, *last.val_macro_f1);
  }
  if (result.test) {
    std::cout << fmt::format("test: loss {:.4f} accuracy {:.4f} macro-F1 {:.4f}\n", (*result.test)["loss"].get<double>(),
                             (*result.test)["accuracy"].get<double>(), (*result.test)["macro_f1"].get<double>());
  }
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto args = std::make_shared<TrainArguments>();
  CLI::App* train = app.add_subcommand("train", "Train a text classifier from a YAML experiment config");
  train->add_option("config", args->config, "Experiment config (YAML)")->required()->check(CLI::ExistingFile);
  train->add_option("--set", args->overrides, "Override a config value, e.g. --set training.epochs=3 (repeatable)")
      ->take_all()
      ->allow_extra_args(false);
  train->add_flag("--dump-config", args->dump_config, "Print the effective config as YAML and exit");
  train->add_flag("--json", args->json, "Print the run summary as one JSON object");
  train->add_flag("--no-progress", args->no_progress, "Do not print the per-batch progress line");
  train->callback([args] { run_train(*args); });
}

}  // namespace maas::cli
