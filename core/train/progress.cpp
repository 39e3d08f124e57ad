#include "core/train/progress.h"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace maas::train {

namespace {
constexpr auto kTerminalInterval = std::chrono::milliseconds(200);
constexpr auto kLogInterval = std::chrono::seconds(5);

std::string format_duration(double seconds) {
  const auto total = static_cast<long long>(seconds + 0.5);
  if (total >= 3600) return fmt::format("{}h{:02}m", total / 3600, total % 3600 / 60);
  if (total >= 60) return fmt::format("{}m{:02}s", total / 60, total % 60);
  return fmt::format("{}s", total);
}
}  // namespace

Progress::Progress(int epochs, std::int64_t batches_per_epoch, bool enabled)
    : epochs_(epochs),
      batches_per_epoch_(batches_per_epoch),
      enabled_(enabled),
      terminal_(::isatty(STDERR_FILENO) == 1),
      start_(Clock::now()),
      epoch_start_(start_),
      last_print_(start_) {}

void Progress::update(int epoch, std::int64_t batch, double loss, std::optional<double> accuracy,
                      std::int64_t examples_in_epoch) {
  const Clock::time_point now = Clock::now();
  if (epoch != current_epoch_) {
    current_epoch_ = epoch;
    epoch_start_ = now;
  }
  const bool last_batch = batch == batches_per_epoch_;
  if (!enabled_ || (!last_batch && now - last_print_ < (terminal_ ? kTerminalInterval : kLogInterval))) return;
  last_print_ = now;

  const double epoch_seconds = std::chrono::duration<double>(now - epoch_start_).count();
  const double examples_per_second = epoch_seconds > 0 ? examples_in_epoch / epoch_seconds : 0.0;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double done = (epoch - 1) + static_cast<double>(batch) / static_cast<double>(batches_per_epoch_);
  const double eta = done > 0 ? elapsed * (epochs_ - done) / done : 0.0;
  const std::string accuracy_text = accuracy ? fmt::format(" accuracy {:.4f}", *accuracy) : "";
  const std::string line =
      fmt::format("epoch {}/{} batch {}/{} loss {:.4f}{} {:.0f} examples/s ETA {}", epoch, epochs_, batch,
                  batches_per_epoch_, loss, accuracy_text, examples_per_second, format_duration(eta));
  if (terminal_) {
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    std::fflush(stderr);
  } else if (!last_batch) {
    spdlog::info("{}", line);
  }
}

void Progress::finish_epoch() {
  if (enabled_ && terminal_) {
    std::fputc('\n', stderr);
  }
}

}  // namespace maas::train
