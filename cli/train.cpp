// maas train CONFIG | --resume RUN_DIR: run one experiment and write its run folder.

#include <signal.h>

#include <atomic>
#include <cstdio>
#include <iterator>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "core/config/config.h"
#include "core/train/trainer.h"

namespace maas::cli {

namespace {

// Signals that stop a run with a checkpoint. The exit code follows the shell convention,
// 128 + signal number: 130 for SIGINT, 143 for SIGTERM.
constexpr int kStopSignals[] = {SIGINT, SIGTERM};

struct TrainArguments {
  std::string config;
  std::string resume;
  std::vector<std::string> overrides;
  bool dump_config = false;
  bool json = false;
  bool no_progress = false;
};

std::atomic<bool> g_stop_requested{false};
std::atomic<int> g_stop_signal{0};  // the first stop signal received

extern "C" void request_stop(int signal) {
  int none = 0;
  g_stop_signal.compare_exchange_strong(none, signal);
  g_stop_requested.store(true);
}

// While alive, the first SIGINT or SIGTERM sets the stop flag, so the trainer saves a checkpoint
// and stops. SA_RESETHAND restores the default action of that signal, so sending it again ends
// the process at once.
class StopSignalHandler {
 public:
  StopSignalHandler() {
    struct sigaction action {};
    action.sa_handler = request_stop;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    for (std::size_t i = 0; i < std::size(kStopSignals); ++i) {
      installed_[i] = sigaction(kStopSignals[i], &action, &previous_[i]) == 0;
    }
  }
  ~StopSignalHandler() {
    for (std::size_t i = 0; i < std::size(kStopSignals); ++i) {
      if (installed_[i]) sigaction(kStopSignals[i], &previous_[i], nullptr);
    }
  }
  StopSignalHandler(const StopSignalHandler&) = delete;
  StopSignalHandler& operator=(const StopSignalHandler&) = delete;

 private:
  struct sigaction previous_[std::size(kStopSignals)] {};
  bool installed_[std::size(kStopSignals)] = {};
};

config::ExperimentConfig load_run_config(const TrainArguments& args) {
  if (args.resume.empty()) return config::load_config(args.config, args.overrides);
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
  if (!result.test_report.empty()) summary["test_report"] = result.test_report.string();
  if (json) {
    std::cout << summary.dump() << "\n";
    return;
  }
  const train::EpochMetrics& last = result.history.back();
  std::cout << fmt::format("model: {}\n", result.model_dir.string());
  if (result.best_epoch) std::cout << fmt::format("weights: epoch {} (best on validation)\n", *result.best_epoch);
  std::cout << "train: loss " << fmt::format("{:.4f}", last.loss)
            << (last.accuracy ? fmt::format(" accuracy {:.4f}", *last.accuracy) : "") << "\n";
  if (last.val_loss) {
    std::string validation;
    const nlohmann::ordered_json values = last.to_json();
    for (const auto& [name, value] : values.items()) {
      if (name.starts_with("val_")) validation += fmt::format(" {} {:.4f}", name.substr(4), value.get<double>());
    }
    std::cout << "validation:" << validation << "\n";
  }
  if (result.test) {
    std::string test;
    for (const auto& [name, value] : result.test->items()) {
      if (value.is_number_float()) test += fmt::format(" {} {:.4f}", name, value.get<double>());
    }
    std::cout << "test:" << test << "\n";
  }
}

void run_train(const TrainArguments& args) {
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
    const StopSignalHandler handler;
    result = train::train_experiment(config, options);
  }
  if (result.interrupted) {
    const int signal = g_stop_signal.load() == 0 ? SIGINT : g_stop_signal.load();
    spdlog::warn("training stopped by {}; checkpoint saved to {}", signal == SIGTERM ? "SIGTERM" : "SIGINT",
                 result.checkpoint.string());
    std::fprintf(stderr, "interrupted: checkpoint saved to %s; continue with: maas train --resume %s\n",
                 result.checkpoint.string().c_str(), result.run_dir.string().c_str());
    // CLI::RuntimeError carries an exit code to main() without a message, so the process ends
    // through main's normal return path.
    throw CLI::RuntimeError(128 + signal);
  }
  print_summary(result, args.json);
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto args = std::make_shared<TrainArguments>();
  CLI::App* train = app.add_subcommand("train", "Train a text classifier from a YAML experiment config");
  // Exactly one of CONFIG and --resume, enforced by CLI11 so that a mistake is a usage error (exit 2).
  CLI::Option_group* input = train->add_option_group("input", "What to train: a config, or a run to resume");
  input->add_option("config", args->config, "Experiment config (YAML)")->check(CLI::ExistingFile);
  CLI::Option* resume =
      input
          ->add_option("--resume", args->resume,
                       "Continue the run in this folder from its checkpoint, with its config.yaml; ends with the "
                       "same weights as a run that never stopped (same threads)")
          ->check(CLI::ExistingDirectory);
  input->require_option(1);
  CLI::Option* set =
      train->add_option("--set", args->overrides, "Override a config value, e.g. --set training.epochs=3 (repeatable)")
          ->take_all()
          ->allow_extra_args(false);
  // A resumed run must continue with the config it started with.
  resume->excludes(set);
  train->add_flag("--dump-config", args->dump_config, "Print the effective config as YAML and exit");
  train->add_flag("--json", args->json, "Print the run summary as one JSON object");
  train->add_flag("--no-progress", args->no_progress, "Do not print the per-batch progress line");
  train->footer(
      "Ctrl-C (SIGINT) or SIGTERM saves a checkpoint and exits with code 130 or 143; sending the same signal again "
      "stops at once.\n"
      "Checkpoints are written to RUN/checkpoint/ every training.checkpoint_every_steps steps, and at an epoch "
      "end when the last one is at least training.checkpoint_min_interval_seconds old (default 60; 0 writes one "
      "at every epoch end).");
  train->callback([args] { run_train(*args); });
}

}  // namespace maas::cli
