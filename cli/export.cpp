// maas export MODEL --output DIR: copy a verified model into a serving repository as DIR/NAME/VERSION/.

#include <iostream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "core/common/error.h"
#include "core/io/export.h"

namespace maas::cli {

namespace {

struct ExportArguments {
  std::string model;
  std::string output;
  std::string name;
  std::int64_t version = 0;
};

void run_export(const ExportArguments& args) {
  const std::filesystem::path published = io::export_to_repository(args.model, args.output, args.name, args.version);
  spdlog::info("exported {} to {}", args.model, published.string());
  std::cout << published.string() << "\n";
}

}  // namespace

void add_export_command(CLI::App& app) {
  auto args = std::make_shared<ExportArguments>();
  CLI::App* exporter = app.add_subcommand("export", "Pack a model into a serving repository layout DIR/NAME/VERSION/");
  exporter->add_option("model", args->model, "Model folder (RUN/model from 'maas train')")->required()->check(CLI::ExistingDirectory);
  exporter->add_option("-o,--output", args->output, "Repository folder to export into (created if missing)")->required();
  exporter->add_option("--name", args->name, "Model name in the repository; default: the name stored in the model");
  exporter->add_option("--version", args->version, "Version number; default: one above the highest already there")->check(CLI::Range(std::int64_t{1}, std::int64_t{999999999999}));
  exporter->callback([args] { run_export(*args); });
}

}  // namespace maas::cli
