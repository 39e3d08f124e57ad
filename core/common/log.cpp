#include "core/common/log.h"

#include <cstdlib>

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "core/common/error.h"

namespace maas {

void setup_logging(const std::string& level) {
  std::string name = level;
  if (name.empty()) {
    const char* from_env = std::getenv("MAAS_LOG_LEVEL");
    name = from_env != nullptr && *from_env != '\0' ? from_env : "info";
  }
  const spdlog::level::level_enum parsed = spdlog::level::from_str(name);
  // from_str maps every unknown name to "off", so only the literal "off" may produce it.
  if (parsed == spdlog::level::off && name != "off") {
    throw InvalidArgument(fmt::format(
        "invalid log level '{}': expected one of trace, debug, info, warn, error, critical, off", name));
  }
  auto logger = spdlog::stderr_color_mt("maas");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  logger->set_level(parsed);
  spdlog::set_default_logger(logger);
}

}  // namespace maas
