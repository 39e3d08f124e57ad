// maas export MODEL --output DIR: copy a verified model into a serving repository as DIR/NAME/VERSION/
// (optionally with int8 weights), or write it as an ONNX graph with its tokenizer.

#include <iostream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "core/common/error.h"
#include "core/io/artifact.h"
#include "core/io/export.h"
#include "core/io/onnx_export.h"

namespace maas::cli {

namespace {

struct ExportArguments {
  std::string model;
  std::string output;
  std::string name;
  std::int64_t version = 0;
  std::string format = "repository";
  std::string quantize = "none";
};

void run_onnx_export(const ExportArguments& args) {
  if (args.quantize != "none") {
    throw InvalidArgument(fmt::format("--quantize {} is not available with --format onnx: the ONNX graph has float32 "
                                      "weights; export the float model, or use --format repository for int8",
                                      args.quantize));
  }
  if (!args.name.empty() || args.version != 0) {
    throw InvalidArgument("--name and --version apply to --format repository only; with --format onnx, --output is "
                          "the folder that receives model.onnx");
  }
  const std::filesystem::path written = io::export_onnx(io::load_artifact(args.model), args.output);
  spdlog::info("exported {} to ONNX (opset {}) at {}", args.model, io::kOnnxOpset, written.string());
  std::cout << written.string() << "\n";
}

void run_export(const ExportArguments& args) {
  if (args.format == "onnx") {
    run_onnx_export(args);
    return;
  }
  const std::filesystem::path published =
      io::export_to_repository(args.model, args.output, args.name, args.version, args.quantize == "int8");
  spdlog::info("exported {} to {}{}", args.model, published.string(), args.quantize == "int8" ? " with int8 weights" : "");
  std::cout << published.string() << "\n";
}

}  // namespace

void add_export_command(CLI::App& app) {
  auto args = std::make_shared<ExportArguments>();
  CLI::App* exporter = app.add_subcommand(
      "export", "Pack a model into a serving repository layout DIR/NAME/VERSION/, or write it as ONNX");
  exporter->add_option("model", args->model, "Model folder (RUN/model from 'maas train')")->required()->check(CLI::ExistingDirectory);
  exporter->add_option("-o,--output", args->output,
                       "Repository folder to export into (created if missing); with --format onnx, the folder that "
                       "receives model.onnx, tokenizer.json and labels.json (replaced if it exists)")
      ->required();
  exporter->add_option("--format", args->format,
                       "repository: a maas model in DIR/NAME/VERSION/; onnx: an ONNX graph (opset 13) taking int64 "
                       "ids [batch, seq] and returning probabilities [batch, labels]")
      ->capture_default_str()
      ->check(CLI::IsMember({"repository", "onnx"}));
  exporter->add_option("--quantize", args->quantize,
                       "int8: store embedding tables and layer kernels as int8 with one float scale per output "
                       "channel and keep only the vocabulary encoding needs (format version 3, about 3.5x smaller)")
      ->capture_default_str()
      ->check(CLI::IsMember({"none", "int8"}));
  exporter->add_option("--name", args->name, "Model name in the repository; default: the name stored in the model");
  exporter->add_option("--version", args->version, "Version number; default: one above the highest already there")->check(CLI::Range(std::int64_t{1}, io::kMaxExportVersion));
  exporter->callback([args] { run_export(*args); });
}

}  // namespace maas::cli
