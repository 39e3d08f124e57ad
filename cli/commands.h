#pragma once
// One function per subcommand: each adds its options to `app` and sets the callback that runs it.

#include <CLI/CLI.hpp>

namespace maas::cli {

void add_tokenize_command(CLI::App& app);
void add_train_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_predict_command(CLI::App& app);
void add_export_command(CLI::App& app);
void add_serve_command(CLI::App& app);

}  // namespace maas::cli
