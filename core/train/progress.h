#pragma once
// The training progress line: epoch, batch, loss, accuracy, examples/s and ETA on stderr.
// On a terminal one line is rewritten in place; otherwise a plain log line is written every few
// seconds, so CI logs stay readable.

#include <chrono>
#include <cstdint>
#include <optional>

namespace maas::train {

class Progress {
 public:
  Progress(int epochs, std::int64_t batches_per_epoch, bool enabled);

  // Records that `batch` (1-based) of `epoch` (1-based) finished; loss and accuracy are running
  // means over the epoch so far. An empty accuracy (regression) is left out of the line.
  void update(int epoch, std::int64_t batch, double loss, std::optional<double> accuracy,
              std::int64_t examples_in_epoch);
  // Ends the in-place line, if any, so the next log line starts on its own row.
  void finish_epoch();

 private:
  using Clock = std::chrono::steady_clock;
  int epochs_;
  std::int64_t batches_per_epoch_;
  bool enabled_;
  bool terminal_;
  Clock::time_point start_;
  Clock::time_point epoch_start_;
  Clock::time_point last_print_;
  int current_epoch_ = 0;
};

}  // namespace maas::train
