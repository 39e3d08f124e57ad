#pragma once
// Logging setup shared by every subcommand: spdlog to stderr, so stdout stays free for results.

#include <string>

namespace maas {

// Sets the default spdlog logger to stderr at `level` (trace, debug, info, warn, error, off).
// An empty level falls back to the MAAS_LOG_LEVEL environment variable, then to info.
// Throws InvalidArgument for an unknown level name.
void setup_logging(const std::string& level);

}  // namespace maas
