// maas: tokenize, train, evaluate, predict, export and serve text classifiers.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "cli/commands.h"
#include "core/common/error.h"
#include "core/common/log.h"

namespace {

// libgomp reads OMP_WAIT_POLICY once, when it is loaded, and by default its threads spin between
// parallel regions. maas runs many short regions, and spinning threads then fight over the cores.
// On a 2-core machine, 5 epochs on GameTox took 2.9 s with spinning and 0.9 s with passive waits.
// So unless the user chose a policy, maas restarts itself once with OMP_WAIT_POLICY=PASSIVE.
void prefer_passive_openmp_waits(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  ::execv("/proc/self/exe", argv);
  // execv returns only on failure; running on with the default policy is still correct.
}

}  // namespace

int main(int argc, char** argv) {
  prefer_passive_openmp_waits(argv);
  CLI::App app{"maas: train text classifiers from a YAML config and serve them over HTTP", "maas"};
  app.set_version_flag("--version", std::string("maas ") + MAAS_VERSION);
  app.require_subcommand(1);
  std::string log_level;
  app.add_option("--log-level", log_level,
                 "Log level on stderr: trace, debug, info, warn, error, critical, off (default: $MAAS_LOG_LEVEL or info)");
  // Lets --log-level follow the subcommand too: `maas train CONFIG --log-level warn`.
  app.fallthrough();
  app.parse_complete_callback([&] { maas::setup_logging(log_level); });

  maas::cli::add_tokenize_command(app);
  maas::cli::add_train_command(app);
  maas::cli::add_eval_command(app);
  maas::cli::add_predict_command(app);
  maas::cli::add_export_command(app);
  maas::cli::add_serve_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::RuntimeError& e) {
    // A subcommand that ends with a chosen exit code, such as 130 after an interrupted training
    // run; it has already printed its message.
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  } catch (const std::exception& e) {
    // Logging may not be set up yet (an invalid --log-level), so the error goes straight to stderr.
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
