#pragma once
// Training checkpoints: everything a run needs to continue after a crash or an interrupt and
// end with the same weights as a run that never stopped.
//
// RUN/checkpoint/state.safetensors contains the tensors
//   param/<name>       every model parameter
//   optimizer/<name>   every optimizer state tensor ("iterations", "<param>.m", ...)
//   best/<name>        the best epoch's parameters, when early stopping keeps them
//   plan/rows, plan/starts  the batch plan of the current epoch (int32)
// and, in the safetensors metadata, the position (epoch, batch), both generator states, the
// running sums of the epoch, the metrics history, the early-stopping counters and the SHA-256
// of the training data file. The file is replaced atomically, so a crash leaves the previous
// checkpoint or the new one, never a mix.

#include <cstdint>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/nn/optimizer.h"
#include "core/nn/parameter.h"
#include "core/train/batch_plan.h"

namespace maas::train {

inline constexpr std::string_view kCheckpointFolder = "checkpoint";
inline constexpr std::string_view kCheckpointFile = "state.safetensors";
inline constexpr int kCheckpointFormatVersion = 1;

struct CheckpointState {
  int epoch = 0;                   // 1-based epoch the position refers to
  std::int64_t batches_done = 0;   // batches of `epoch` already applied
  bool epoch_finished = false;     // validation, metrics and early stopping of `epoch` recorded
  bool stopped_early = false;      // early stopping ended the run after `epoch`
  BatchPlan plan;                  // the plan of `epoch`
  std::string shuffle_rng;         // std::mt19937_64 text state, after planning `epoch`
  std::string dropout_rng;         // nn::Rng::state()
  double loss_sum = 0.0;           // running sums of `epoch` over the batches done
  std::int64_t correct = 0;
  std::int64_t seen = 0;
  std::string history_jsonl;       // metrics.jsonl of the finished epochs
  std::optional<double> best_value;  // early stopping
  int best_epoch = 0;
  int epochs_without_improvement = 0;
  std::string train_sha256;        // of the training data file, to refuse resuming on other data
};

// Returns RUN/checkpoint/state.safetensors.
std::filesystem::path checkpoint_path(const std::filesystem::path& run_dir);

// Returns the bytes of the checkpoint file, with the SHA-256 of its tensor data in the metadata,
// which load_checkpoint verifies. `best` is null or contains one tensor per parameter.
std::string encode_checkpoint(const CheckpointState& state, const std::vector<nn::Parameter>& params,
                              const nn::Optimizer& optimizer, const std::vector<Tensor>* best);

// Writes checkpoints atomically on a background thread, so that training goes on while the file
// is written and synced to disk. The caller's thread encodes the checkpoint, which copies every
// tensor, so the model may change as soon as save() returns. One write is in flight at most.
// Not thread-safe: one training loop owns it.
class CheckpointWriter {
 public:
  CheckpointWriter() = default;
  CheckpointWriter(const CheckpointWriter&) = delete;
  CheckpointWriter& operator=(const CheckpointWriter&) = delete;
  // Waits for the write in flight and logs its error, if any, because a destructor cannot throw.
  ~CheckpointWriter();

  // Waits for the previous write, then encodes this checkpoint and starts writing it. Throws
  // the previous write's error (IoError, or std::filesystem::filesystem_error for the folder).
  void save(const std::filesystem::path& run_dir, const CheckpointState& state,
            const std::vector<nn::Parameter>& params, const nn::Optimizer& optimizer,
            const std::vector<Tensor>* best);

  // Waits until the last checkpoint is on disk. Throws the error of a failed write, as save() does.
  void wait();

 private:
  std::thread thread_;
  std::exception_ptr error_;
};

// Reads the checkpoint of `run_dir` into the parameters, the optimizer (built first from
// `params`) and, when `best` is not null and the checkpoint has them, the best weights.
// Throws IoError when the file is missing or damaged and InvalidArgument when a tensor is
// missing or has another shape than the model built from the run's config.
CheckpointState load_checkpoint(const std::filesystem::path& run_dir, std::vector<nn::Parameter>& params,
                                nn::Optimizer& optimizer, std::vector<Tensor>* best);

}  // namespace maas::train
