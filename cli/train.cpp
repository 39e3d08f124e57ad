// maas train CONFIG | --resume RUN_DIR: run one experiment and write its run folder.

#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "core/common/error.h"
#include "core/config/config.h"
#include "core/train/trainer.h"

namespace maas::cli {

namespace {

// Exit code of a run stopped by SIGINT, the shell convention 128 + signal number.
constexpr int kInterruptedExitCode = 128 + SIGINT;

struct TrainArguments {
  std::string config;
  std::string resume;
  std::vector<std::string> overrides;
  bool dump_config = false;
  bool json = false;
  bool no_progress = false;
};

std::atomic<bool> g_stop_requested{false};

extern "C" void request_stop(int) { g_stop_requested.store(true); }

// While alive, the first SIGINT asks the trainer to checkpoint and stop; SA_RESETHAND puts the
// default action back, so a second SIGINT ends the process at once.
class InterruptHandler {
 public:
  InterruptHandler() {
    struct sigaction action {};
    action.sa_handler = request_stop;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    installed_ = sigaction(SIGINT, &action, &previous_) == 0;
  }
  ~InterruptHandler() {
    if (installed_) sigaction(SIGINT, &previous_, nullptr);
  }
  InterruptHandler(const InterruptHandler&) = delete;
  InterruptHandler& operator=(const InterruptHandler&) = delete;

 private:
  struct sigaction previous_ {};
  bool installed_ = false;
};

config::ExperimentConfig load_run_config(const TrainArguments& args) {
  if (args.resume.empty()) return config::load_config(args.config, args.overrides);
  if (!args.overrides.empty()) {
    throw InvalidArgument(fmt::format("--resume {}: --set cannot be combined with --resume, because the run must "
                                      "continue with the config it started with; remove --set",
                                      args.resume));
  }
  const std::filesystem::path run_dir = std::filesystem::absolute(args.resume).lexically_normal();
  config::ExperimentConfig config = config::load_config(run_dir / "config.yaml");
  // The folder may have moved since the run started; it stays the output either way.
  config.output.dir = run_dir;
  return config;
}

void print_summary(const train::TrainResult& result, bool json) {
  nlohmann::ordered_json summary;
  summary["run_dir"] = result.run_dir.string();
  summary["model_dir"] = result.model_dir.string();
  summary["epochs"] = nlohmann::ordered_json::array();
  for (const train::EpochMetrics& epoch : result.history) summary["epochs"].push_back(epoch.to_json());
  if (result.best_epoch) summary["best_epoch"] = *result.best_epoch;
  if (result.stopped_early) summary["stopped_early"] = true;
  if (result.test) summary["test"] = *result.test;
  if (json) {
    std::cout << summary.dump() << "\n";
    return;
  }
  const train::EpochMetrics& last = result.history.back();
  std::cout << fmt::format("model: {}\n", result.model_dir.string());
  if (result.best_epoch) std::cout << fmt::format("weights: epoch {} (best on validation)\n", *result.best_epoch);
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

void run_train(const TrainArguments& args) {
  if (args.config.empty() == args.resume.empty()) {
    throw InvalidArgument("maas train: expected either a CONFIG file or --resume RUN_DIR, not both and not neither");
  }
  const config::ExperimentConfig config = load_run_config(args);
  if (args.dump_config) {
    std::cout << config::dump_config(config);
    return;
  }
  train::TrainOptions options;
  options.show_progress = !args.no_progress;
  options.resume = !args.resume.empty();
  options.stop_requested = &g_stop_requested;
  train::TrainResult result;
  {
    const InterruptHandler handler;
    result = train::train_experiment(config, options);
  }
  if (result.interrupted) {
    spdlog::warn("training interrupted; checkpoint saved to {}", result.checkpoint.string());
    std::fprintf(stderr, "interrupted: checkpoint saved to %s; continue with: maas train --resume %s\n",
                 result.checkpoint.string().c_str(), result.run_dir.string().c_str());
    std::fflush(stderr);
    spdlog::shutdown();
    std::exit(kInterruptedExitCode);
  }
  print_summary(result, args.json);
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto args = std::make_shared<TrainArguments>();
  CLI::App* train = app.add_subcommand("train", "Train a text classifier from a YAML experiment config");
  train->add_option("config", args->config, "Experiment config (YAML)")->check(CLI::ExistingFile);
  train->add_option("--resume", args->resume,
                    "Continue the run in this folder from its checkpoint, with its config.yaml; ends with the "
                    "same weights as a run that never stopped (same threads)")
      ->check(CLI::ExistingDirectory);
  train->add_option("--set", args->overrides, "Override a config value, e.g. --set training.epochs=3 (repeatable)")
      ->take_all()
      ->allow_extra_args(false);
  train->add_flag("--dump-config", args->dump_config, "Print the effective config as YAML and exit");
  train->add_flag("--json", args->json, "Print the run summary as one JSON object");
  train->add_flag("--no-progress", args->no_progress, "Do not print the per-batch progress line");
  train->footer(
      "Ctrl-C (SIGINT) saves a checkpoint and exits with code 130; a second Ctrl-C stops at once.\n"
      "Checkpoints are written to RUN/checkpoint/ at each epoch end and every "
      "training.checkpoint_every_steps steps.");
  train->callback([args] { run_train(*args); });
}

}  // namespace maas::cli
